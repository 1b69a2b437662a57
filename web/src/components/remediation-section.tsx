import { useState } from 'preact/hooks';
import { errorMessage, getJson, optionalFeature, sendJson } from '../api.ts';
import { formatTime, plural, words } from '../format.ts';
import { can, canChangeCredentials, canDisable, type Me } from '../session.ts';
import { useLoad } from '../use-load.ts';
import { AddCertificateDialog } from './add-certificate-dialog.tsx';
import { AddSecretDialog } from './add-secret-dialog.tsx';
import { DirectoryRequests } from './directory-requests.tsx';
import { Notice, NoticeSlot } from './notice.tsx';
import { type OldCredential, RemoveCredentialsDialog } from './remove-credentials-dialog.tsx';
import { StateBadge } from './risk-badge.tsx';
import { Section } from './section.tsx';

interface PlanCredential extends OldCredential {
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

type Loaded = { available: true; data: Plan | null } | { available: false };

type Dialog = 'secret' | 'certificate' | 'remove';

// What the API lets a person mark by hand; the other steps are done when Vigil sees them done.
const COMPLETABLE = new Set(['reviewInventory', 'rotateKeyVaultSecrets']);
const SKIPPABLE = new Set(['rotateKeyVaultSecrets', 'disable']);
const HEADING_ID = 's-remediation';

/** The credentials a step lists that are still held (not removed yet). */
function stillHeld(step: PlanStep | undefined): PlanCredential[] {
  return (step?.credentials ?? []).filter((c) => !c.removedDateTime);
}

/** What the people acting on the plan may do: mark steps (risk write) and change credentials. */
interface Rights {
  markSteps: boolean;
  changeCredentials: boolean;
  disable: boolean;
}

/**
 * The principal's remediation plan: each step with its state and what it needs, and buttons for
 * every step — mark the inventory reviewed, add a certificate or a client secret, remove the old
 * credentials, rotate or skip Key Vault secrets, disable — or a button to start a plan. After each
 * action the plan is read again (which is when the server completes it) and the page is told, so the
 * overview shows the risk `remediated` once the plan is. "Not available" when this server has no
 * remediation.
 */
export function RemediationSection(props: {
  base: string;
  me: Me;
  servicePrincipalId: string;
  principalName: string;
  onDisable: () => void;
  onChanged: () => void;
}) {
  const path = `${props.base}/remediation`;
  const initial = useLoad(() => optionalFeature(getJson<Plan>(path)), [path]);
  // The plan read again after an action; kept apart so the section never blanks while it reloads.
  const [fresh, setFresh] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const rights: Rights = {
    markSteps: can(props.me, 'IdentityRiskyServicePrincipal.ReadWrite.All'),
    changeCredentials: canChangeCredentials(props.me),
    disable: canDisable(props.me),
  };

  const refresh = async () => {
    try {
      setFresh(await optionalFeature(getJson<Plan>(path)));
    } catch (err) {
      setError(errorMessage(err));
    }
    // After the plan: reading it is what completes it, and the overview must see that.
    props.onChanged();
  };
  const act = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call();
    } catch (err) {
      setError(errorMessage(err));
    }
    await refresh();
    setBusy(false);
  };

  const d = fresh ?? initial.data;
  const plan = d?.available ? d.data : null;
  const step = (name: string) => plan?.steps.find((s) => s.name === name);
  const removal = step('removeOldCredentials');
  let body = null;
  if (d && !d.available) body = <p class="state">Remediation plans are not available on this server.</p>;
  else if (d?.available && d.data === null) {
    body = (
      <p class="state">
        No remediation plan yet.{' '}
        <button
          type="button"
          disabled={!rights.markSteps || busy}
          aria-describedby={rights.markSteps ? undefined : 'remediation-reason'}
          onClick={() => void act(() => sendJson('POST', path))}
        >
          Start remediation
        </button>
      </p>
    );
  } else if (plan) {
    body = (
      <>
        {plan.state === 'remediated' ? (
          <p class="notice ok remediated" role="status">
            <strong>Remediated.</strong> Every required step is through
            {plan.completedDateTime ? ` (${formatTime(plan.completedDateTime)})` : ''}: the principal’s risk
            is now remediated, level none, and its active detections with it.
          </p>
        ) : null}
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
              rights={rights}
              busy={busy || dialog !== null}
              directoryConnected={plan.directoryConnected}
              onMark={(how) => void act(() => sendJson('POST', `${path}/steps/${s.name}/${how}`, {}))}
              onRotate={(vaultUrl, secretNames) =>
                void act(() => sendJson('POST', `${path}/rotateKeyVaultSecrets`, { vaultUrl, secretNames }))
              }
              onDisable={props.onDisable}
              onDialog={setDialog}
            />
          ))}
        </ol>
      </>
    );
  }
  const actionable = d?.available === true && (plan === null || plan.state === 'inProgress');
  return (
    <Section
      title="Remediation"
      loaded={fresh ? { status: 'ready', error: null, data: fresh } : initial}
      needs={can(props.me, 'IdentityRiskyServicePrincipal.Read.All')}
    >
      {body}
      {actionable && !(rights.markSteps && rights.changeCredentials) ? (
        <p id="remediation-reason" class="hint">
          Your role ({props.me.roles.join(', ') || 'none'}){' '}
          {rights.markSteps
            ? 'may mark steps but not change credentials (that needs Application.ReadWrite.All).'
            : rights.changeCredentials
              ? 'may change credentials but not start a plan or mark its steps (that needs IdentityRiskyServicePrincipal.ReadWrite.All).'
              : 'may read the plan but not act on it.'}
        </p>
      ) : null}
      <NoticeSlot>
        <Notice kind="ok" text={notice} />
        <Notice kind="error" text={error} />
      </NoticeSlot>
      {dialog === 'secret' ? (
        <AddSecretDialog
          servicePrincipalId={props.servicePrincipalId}
          principalName={props.principalName}
          returnFocusTo={HEADING_ID}
          onAdded={(added) => {
            // The plan behind the dialog follows at once; the secret itself stays in the dialog.
            setNotice(`Client secret ${added.keyId} added.`);
            void refresh();
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'certificate' ? (
        <AddCertificateDialog
          servicePrincipalId={props.servicePrincipalId}
          principalName={props.principalName}
          returnFocusTo={HEADING_ID}
          onAdded={(added) => {
            setDialog(null);
            setNotice(
              `Certificate ${added.displayName ?? added.keyId} added${
                added.customKeyIdentifier ? ` (thumbprint ${added.customKeyIdentifier})` : ''
              }.${added['@vigil.directoryRequests']?.length ? ' Run the requests listed under the step in Entra.' : ''}`,
            );
            void refresh();
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog === 'remove' ? (
        <RemoveCredentialsDialog
          servicePrincipalId={props.servicePrincipalId}
          credentials={stillHeld(removal)}
          directoryRequests={removal?.directoryRequests ?? []}
          returnFocusTo={HEADING_ID}
          onRan={(removed, failed) => {
            if (failed === 0) {
              setDialog(null);
              setNotice(`Removed ${plural(removed, 'credential')}.`);
            }
            void refresh();
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </Section>
  );
}

function Step(props: {
  step: PlanStep;
  planOpen: boolean;
  rights: Rights;
  busy: boolean;
  directoryConnected: boolean;
  onMark: (how: 'complete' | 'skip') => void;
  onRotate: (vaultUrl: string, secretNames: string[]) => void;
  onDisable: () => void;
  onDialog: (dialog: Dialog) => void;
}) {
  const s = props.step;
  const [vaultUrl, setVaultUrl] = useState('');
  const [secrets, setSecrets] = useState('');
  const open = props.planOpen && (s.state === 'pending' || s.state === 'failed');
  const mayMark = props.rights.markSteps && !props.busy;
  const mayChange = props.rights.changeCredentials && !props.busy;
  const why = (allowed: boolean) => (allowed ? undefined : 'remediation-reason');
  // A secret completes the step, but a certificate is preferred: offer one until the plan holds one.
  const offerCertificate =
    props.planOpen &&
    s.name === 'addCredential' &&
    (open || !(s.newCredentials ?? []).some((c) => c.type === 'certificate'));
  const toRemove = stillHeld(s);
  return (
    <li class={`step step-${s.state}`} data-step={s.name}>
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
      {s.directoryRequests?.length ? <DirectoryRequests requests={s.directoryRequests} /> : null}
      {open || offerCertificate ? (
        <div class="actions">
          {offerCertificate ? (
            <button
              type="button"
              class={open ? 'primary' : undefined}
              disabled={!mayChange}
              aria-describedby={why(props.rights.changeCredentials)}
              onClick={() => props.onDialog('certificate')}
            >
              Add a certificate
            </button>
          ) : null}
          {open && s.name === 'addCredential' ? (
            <button
              type="button"
              disabled={!mayChange || !props.directoryConnected}
              aria-describedby={
                props.directoryConnected
                  ? why(props.rights.changeCredentials)
                  : `secret-needs-connection-${s.name}`
              }
              onClick={() => props.onDialog('secret')}
            >
              Add a client secret
            </button>
          ) : null}
          {open && s.name === 'addCredential' && !props.directoryConnected ? (
            <p class="hint" id={`secret-needs-connection-${s.name}`}>
              Entra issues client secrets itself, and this tenant has no Graph connection: run{' '}
              <code>addPassword</code> in Entra (Vigil learns of the new secret from the audit log), or add a
              certificate.
            </p>
          ) : null}
          {open && s.name === 'removeOldCredentials' && toRemove.length > 0 ? (
            <button
              type="button"
              class="danger"
              disabled={!mayChange}
              aria-describedby={why(props.rights.changeCredentials)}
              onClick={() => props.onDialog('remove')}
            >
              Remove the old credentials ({toRemove.length})
            </button>
          ) : null}
          {open && COMPLETABLE.has(s.name) ? (
            <button
              type="button"
              disabled={!mayMark}
              aria-describedby={why(props.rights.markSteps)}
              onClick={() => props.onMark('complete')}
            >
              {s.name === 'reviewInventory' ? 'Mark reviewed' : 'Mark done'}
            </button>
          ) : null}
          {open && SKIPPABLE.has(s.name) ? (
            <button
              type="button"
              disabled={!mayMark}
              aria-describedby={why(props.rights.markSteps)}
              onClick={() => props.onMark('skip')}
            >
              Skip
            </button>
          ) : null}
          {open && s.name === 'disable' ? (
            <button
              type="button"
              class="danger"
              disabled={!props.rights.disable || props.busy}
              aria-describedby={why(props.rights.disable)}
              onClick={props.onDisable}
            >
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
          <button type="submit" disabled={!mayMark}>
            Rotate secrets
          </button>
        </form>
      ) : null}
    </li>
  );
}
