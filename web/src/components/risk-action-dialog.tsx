import { useState } from 'preact/hooks';
import { errorMessage, sendJson } from '../api.ts';
import { plural } from '../format.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import type { NoticeText } from './notice.tsx';

/** What an analyst can do to risky principals. */
export type RiskAction = 'confirmCompromised' | 'dismiss' | 'disable';

/** The principals an action names: id and the name people know. */
export interface ActionTarget {
  id: string;
  displayName: string | null;
}

const RISKY = '/v1.0/identityProtection/riskyServicePrincipals';

const TITLES: Record<RiskAction, (n: number) => string> = {
  confirmCompromised: (n) => `Confirm ${plural(n, 'service principal')} compromised?`,
  dismiss: (n) => `Dismiss the risk of ${plural(n, 'service principal')}?`,
  disable: (n) => `Disable ${plural(n, 'service principal')}?`,
};

const LABELS: Record<RiskAction, string> = {
  confirmCompromised: 'Confirm compromised',
  dismiss: 'Dismiss risk',
  disable: 'Disable',
};

const EFFECTS: Record<RiskAction, string> = {
  confirmCompromised:
    'Their risk level becomes high and their state confirmed compromised. Vigil raises an "admin confirmed service principal compromised" detection for each and names you in their risk history. Policies that block high risk block them from the next access decision.',
  dismiss:
    'Their risk level becomes none and their state dismissed, and their active detections are dismissed. Vigil names you in their risk history.',
  disable:
    'Their accountEnabled becomes false: they can no longer get tokens. Nothing else about them changes; enable them again in the directory.',
};

/** The name a person knows a principal by. */
export function targetName(p: ActionTarget): string {
  return p.displayName ?? p.id;
}

/** Does the action through the API; what it did, in words, or throws saying what failed. */
async function perform(action: RiskAction, targets: readonly ActionTarget[]): Promise<string> {
  const ids = targets.map((p) => p.id);
  if (action === 'disable') {
    const failed: string[] = [];
    for (const p of targets) {
      try {
        await sendJson('PATCH', `/v1.0/servicePrincipals/${encodeURIComponent(p.id)}`, {
          accountEnabled: false,
        });
      } catch (err) {
        failed.push(`${targetName(p)}: ${errorMessage(err)}`);
      }
    }
    if (failed.length > 0) throw new Error(`Not disabled — ${failed.join('; ')}`);
    return `Disabled ${plural(ids.length, 'service principal')}.`;
  }
  // The API takes up to 60 ids a request.
  for (let i = 0; i < ids.length; i += 60) {
    await sendJson('POST', `${RISKY}/${action}`, { servicePrincipalIds: ids.slice(i, i + 60) });
  }
  const done = action === 'dismiss' ? 'Dismissed the risk of' : 'Confirmed compromised:';
  return `${done} ${plural(ids.length, 'service principal')}.`;
}

/**
 * Asks before acting, naming each principal and what will happen to it, then acts and reports the
 * outcome (an `error` with the API's message when it refused).
 */
export function RiskActionDialog(props: {
  action: RiskAction;
  targets: readonly ActionTarget[];
  onDone: (outcome: NoticeText) => void;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const { action, targets } = props;
  const confirm = async () => {
    setBusy(true);
    try {
      props.onDone({ kind: 'ok', text: await perform(action, targets) });
    } catch (err) {
      props.onDone({ kind: 'error', text: errorMessage(err) });
    }
  };
  return (
    <ConfirmDialog
      title={TITLES[action](targets.length)}
      confirmLabel={LABELS[action]}
      danger={action !== 'dismiss'}
      busy={busy}
      onCancel={props.onCancel}
      onConfirm={() => void confirm()}
    >
      <p>{EFFECTS[action]}</p>
      <ul class="principal-list">
        {targets.map((p) => (
          <li key={p.id}>
            <strong>{targetName(p)}</strong> <code>{p.id}</code>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}

/** The three action buttons, each disabled when the role may not use it or nothing is chosen. */
export function RiskActionButtons(props: {
  count: number;
  mayChangeRisk: boolean;
  mayDisable: boolean;
  onAction: (action: RiskAction) => void;
}) {
  const none = props.count === 0;
  return (
    <>
      <button
        type="button"
        class="danger"
        disabled={!props.mayChangeRisk || none}
        aria-describedby={props.mayChangeRisk ? undefined : 'no-write-reason'}
        onClick={() => props.onAction('confirmCompromised')}
      >
        Confirm compromised
      </button>
      <button
        type="button"
        disabled={!props.mayChangeRisk || none}
        aria-describedby={props.mayChangeRisk ? undefined : 'no-write-reason'}
        onClick={() => props.onAction('dismiss')}
      >
        Dismiss risk
      </button>
      <button
        type="button"
        class="danger"
        disabled={!props.mayDisable || none}
        aria-describedby={props.mayDisable ? undefined : 'no-disable-reason'}
        onClick={() => props.onAction('disable')}
      >
        Disable service principal
      </button>
    </>
  );
}

/** Why the buttons are disabled, for everyone and for screen readers (ids the buttons point to). */
export function RiskActionReasons(props: { mayChangeRisk: boolean; mayDisable: boolean; roles: string[] }) {
  return (
    <>
      {props.mayChangeRisk ? null : (
        <p id="no-write-reason" class="hint">
          Your role ({props.roles.join(', ') || 'none'}) may read risk but not change it.
        </p>
      )}
      {props.mayDisable ? null : (
        <p id="no-disable-reason" class="hint visually-hidden">
          Your role may not disable service principals.
        </p>
      )}
    </>
  );
}
