import { useState } from 'preact/hooks';
import { ApiError, getJson, optionalFeature, sendJson } from '../api.ts';
import { formatTime, plural, words } from '../format.ts';
import { can, type Me } from '../session.ts';
import { useLoad } from '../use-load.ts';
import { StateBadge } from './risk-badge.tsx';
import { Section } from './section.tsx';

interface PlanCredential {
  keyId: string;
  type: string;
  objectType: string;
  displayName?: string | null;
  removedDateTime?: string | null;
  usedAfterRemoval?: unknown[];
}

interface PlanStep {
  name: string;
  title: string;
  state: string;
  optional: boolean;
  detail: string;
  completedDateTime: string | null;
  completedBy: string | null;
  credentials?: PlanCredential[];
  newCredentials?: { keyId: string; type: string; addedDateTime?: string | null; addedBy?: string | null }[];
  keyVault?: { signIns: number; lastSignInDateTime: string | null; rotations: unknown[] };
  directoryRequests?: string[];
}

/** A remediation plan as `…/riskyServicePrincipals/{id}/remediation` returns it. */
interface Plan {
  id: string;
  state: string;
  createdDateTime: string;
  createdBy: string;
  completedDateTime: string | null;
  directoryConnected: boolean;
  steps: PlanStep[];
}

// What the API lets a person mark by hand; the other steps are done when Vigil sees them done.
const COMPLETABLE = new Set(['reviewInventory', 'rotateKeyVaultSecrets']);
const SKIPPABLE = new Set(['rotateKeyVaultSecrets', 'disable']);

/**
 * The principal's remediation plan: each step with its state and what it needs, buttons for what can
 * be done from here (mark reviewed, rotate or skip Key Vault secrets, disable), or a button to start
 * a plan. "Not available" when this server has no remediation.
 */
export function RemediationSection(props: {
  base: string;
  me: Me;
  onDisable: () => void;
  onChanged: () => void;
}) {
  const path = `${props.base}/remediation`;
  const loaded = useLoad(() => optionalFeature(getJson<Plan>(path)), [path]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayAct = can(props.me, 'IdentityRiskyServicePrincipal.ReadWrite.All');
  const act = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      props.onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  const d = loaded.data;
  let body = null;
  if (d && !d.available) body = <p class="state">Remediation plans are not available on this server.</p>;
  else if (d?.available && d.data === null) {
    body = (
      <p class="state">
        No remediation plan yet.{' '}
        <button
          type="button"
          disabled={!mayAct || busy}
          onClick={() => void act(() => sendJson('POST', path))}
        >
          Start remediation
        </button>
      </p>
    );
  } else if (d?.available && d.data) {
    const plan = d.data;
    body = (
      <>
        <p>
          <StateBadge state={plan.state} /> Started {formatTime(plan.createdDateTime)} by {plan.createdBy}
          {plan.completedDateTime ? `; completed ${formatTime(plan.completedDateTime)}` : ''}.
          {plan.directoryConnected
            ? ' Changes reach the directory through the tenant’s Graph connection.'
            : ' No Graph connection: each step lists the requests to run in the directory.'}
        </p>
        <ol class="steps">
          {plan.steps.map((s) => (
            <Step
              key={s.name}
              step={s}
              planOpen={plan.state === 'inProgress'}
              mayAct={mayAct && !busy}
              directoryConnected={plan.directoryConnected}
              onMark={(how) => void act(() => sendJson('POST', `${path}/steps/${s.name}/${how}`, {}))}
              onRotate={(vaultUrl, secretNames) =>
                void act(() => sendJson('POST', `${path}/rotateKeyVaultSecrets`, { vaultUrl, secretNames }))
              }
              onDisable={props.onDisable}
            />
          ))}
        </ol>
      </>
    );
  }
  return (
    <Section
      title="Remediation"
      loaded={loaded}
      needs={can(props.me, 'IdentityRiskyServicePrincipal.Read.All')}
    >
      {body}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </Section>
  );
}

function Step(props: {
  step: PlanStep;
  planOpen: boolean;
  mayAct: boolean;
  directoryConnected: boolean;
  onMark: (how: 'complete' | 'skip') => void;
  onRotate: (vaultUrl: string, secretNames: string[]) => void;
  onDisable: () => void;
}) {
  const s = props.step;
  const [vaultUrl, setVaultUrl] = useState('');
  const [secrets, setSecrets] = useState('');
  const open = props.planOpen && (s.state === 'pending' || s.state === 'failed');
  return (
    <li class={`step step-${s.state}`}>
      <span class={`badge step-${s.state}`}>{words(s.state)}</span> <strong>{s.title}</strong>
      <p class="hint">{s.detail}</p>
      {s.completedDateTime ? (
        <p class="hint">
          {formatTime(s.completedDateTime)}
          {s.completedBy ? ` by ${s.completedBy}` : ''}
        </p>
      ) : null}
      {s.credentials?.length ? (
        <ul class="hint">
          {s.credentials.map((c) => (
            <li key={`${c.objectType}-${c.keyId}`}>
              {words(c.type)} on the {words(c.objectType)} {c.displayName ?? ''} <code>{c.keyId}</code> —{' '}
              {c.removedDateTime ? `removed ${formatTime(c.removedDateTime)}` : 'still present'}
              {c.usedAfterRemoval?.length
                ? `, used ${plural(c.usedAfterRemoval.length, 'time')} after removal`
                : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {s.newCredentials?.length ? (
        <ul class="hint">
          {s.newCredentials.map((c) => (
            <li key={c.keyId}>
              New {words(c.type)} <code>{c.keyId}</code>
              {c.addedDateTime ? ` added ${formatTime(c.addedDateTime)}` : ''}
              {c.addedBy ? ` by ${c.addedBy}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {s.keyVault ? (
        <p class="hint">
          {plural(s.keyVault.signIns, 'sign-in')} to Key Vault
          {s.keyVault.lastSignInDateTime ? `, the last ${formatTime(s.keyVault.lastSignInDateTime)}` : ''};{' '}
          {plural(s.keyVault.rotations.length, 'secret')} rotated so far.
        </p>
      ) : null}
      {s.directoryRequests?.length ? (
        <details>
          <summary>Requests to run in the directory ({s.directoryRequests.length})</summary>
          <ul class="ids">
            {s.directoryRequests.map((r) => (
              <li key={r}>
                <code>{r}</code>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {open ? (
        <div class="actions">
          {COMPLETABLE.has(s.name) ? (
            <button type="button" disabled={!props.mayAct} onClick={() => props.onMark('complete')}>
              {s.name === 'reviewInventory' ? 'Mark reviewed' : 'Mark done'}
            </button>
          ) : null}
          {SKIPPABLE.has(s.name) ? (
            <button type="button" disabled={!props.mayAct} onClick={() => props.onMark('skip')}>
              Skip
            </button>
          ) : null}
          {s.name === 'disable' ? (
            <button type="button" class="danger" disabled={!props.mayAct} onClick={props.onDisable}>
              Disable now
            </button>
          ) : null}
        </div>
      ) : null}
      {open && s.name === 'rotateKeyVaultSecrets' && props.directoryConnected ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            props.onRotate(
              vaultUrl.trim(),
              secrets
                .split(/[\s,]+/)
                .map((x) => x.trim())
                .filter(Boolean),
            );
          }}
        >
          <label class="field">
            <span>Vault URL</span>
            <input
              type="url"
              required
              placeholder="https://contoso-kv.vault.azure.net"
              value={vaultUrl}
              onInput={(e) => setVaultUrl((e.target as HTMLInputElement).value)}
            />
          </label>
          <label class="field grow">
            <span>Secret names (comma-separated)</span>
            <input
              required
              value={secrets}
              onInput={(e) => setSecrets((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={!props.mayAct}>
            Rotate secrets
          </button>
        </form>
      ) : null}
    </li>
  );
}
