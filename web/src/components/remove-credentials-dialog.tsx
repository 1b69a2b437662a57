import { useState } from 'preact/hooks';
import { api, errorMessage, getJson, sendJson } from '../api.ts';
import { type CredentialObjectType, inventoryPath, objectPath } from '../credential-paths.ts';
import { formatTime, plural, words } from '../format.ts';
import { useLoad } from '../use-load.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { DirectoryRequests } from './directory-requests.tsx';

/** A credential the remediation plan removes, as its `removeOldCredentials` step lists it. */
export interface OldCredential {
  keyId: string;
  type: string;
  objectType: CredentialObjectType;
  objectId: string;
  displayName?: string | null;
  hint?: string | null;
  addedDateTime?: string | null;
}

/** What the inventory adds about a credential: when it was added or became valid, and its last use. */
interface InventoryFacts {
  objectId: string;
  keyId: string;
  addedDateTime: string | null;
  addedBy: string | null;
  startDateTime: string | null;
  lastUsedDateTime: string | null;
}

type Progress = { state: 'waiting' | 'removing' | 'removed' } | { state: 'failed'; message: string };

/** Graph's call that removes one credential: removePassword, removeKey, or deleting a federated credential. */
async function removeCredential(c: OldCredential): Promise<void> {
  const on = objectPath(c.objectType, c.objectId);
  if (c.type === 'password') await sendJson('POST', `${on}/removePassword`, { keyId: c.keyId });
  else if (c.type === 'certificate') await sendJson('POST', `${on}/removeKey`, { keyId: c.keyId });
  else await api(`${on}/federatedIdentityCredentials/${encodeURIComponent(c.keyId)}`, { method: 'DELETE' });
}

/** When a credential came: added (and by whom) when Vigil saw it added, else the start of its validity. */
function addedText(c: OldCredential, facts: InventoryFacts | undefined): string {
  const added = c.addedDateTime ?? facts?.addedDateTime ?? null;
  const by = facts?.addedBy ? ` by ${facts.addedBy}` : '';
  const when = added
    ? `added ${formatTime(added)}${by}`
    : facts?.startDateTime
      ? `added at an unrecorded time, valid from ${formatTime(facts.startDateTime)}`
      : 'added at an unrecorded time';
  const used = facts?.lastUsedDateTime
    ? `; last used ${formatTime(facts.lastUsedDateTime)}`
    : '; no recorded use';
  return facts ? `${when}${used}` : when;
}

const KINDS: Readonly<Record<string, string>> = {
  password: 'Client secret',
  certificate: 'Certificate',
  federated: 'Federated credential',
};

/**
 * Asks before removing the plan's old credentials, naming each one, then removes them one request at
 * a time, showing each one's progress and any refusal. It closes by itself when every one is gone;
 * otherwise it stays open with the failures and offers to try those again.
 */
export function RemoveCredentialsDialog(props: {
  servicePrincipalId: string;
  credentials: readonly OldCredential[];
  directoryRequests: readonly string[];
  returnFocusTo?: string;
  /** Called after each run, whether or not every removal succeeded (the plan is read again). */
  onRan: (removed: number, failed: number) => void;
  onClose: () => void;
}) {
  // The list as the dialog opened: the plan read again after a run must not shrink what it reports.
  const [credentials] = useState(props.credentials);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [busy, setBusy] = useState(false);
  const key = (c: { objectId: string; keyId: string }) => `${c.objectId}|${c.keyId}`;
  // The plan knows when Vigil saw a credential added; the inventory also knows when an imported one
  // became valid and when it was last used — what an administrator weighs before removing it.
  const inventory = useLoad(
    () =>
      getJson<{ value: InventoryFacts[] }>(inventoryPath(props.servicePrincipalId)).then(
        (r) => new Map(r.value.map((c) => [key(c), c])),
        () => new Map<string, InventoryFacts>(),
      ),
    [props.servicePrincipalId],
  );
  const left = credentials.filter((c) => progress[key(c)]?.state !== 'removed');
  const failed = credentials.filter((c) => progress[key(c)]?.state === 'failed');

  const run = async () => {
    setBusy(true);
    const todo = left;
    setProgress((p) => ({ ...p, ...Object.fromEntries(todo.map((c) => [key(c), { state: 'waiting' }])) }));
    let removed = 0;
    let refused = 0;
    // One at a time: the progress reads in order, and a throttled API is not flooded.
    for (const c of todo) {
      setProgress((p) => ({ ...p, [key(c)]: { state: 'removing' } }));
      try {
        await removeCredential(c);
        removed++;
        setProgress((p) => ({ ...p, [key(c)]: { state: 'removed' } }));
      } catch (err) {
        refused++;
        const message = errorMessage(err);
        setProgress((p) => ({ ...p, [key(c)]: { state: 'failed', message } }));
      }
    }
    setBusy(false);
    props.onRan(removed, refused);
  };

  const started = Object.keys(progress).length > 0;
  const done = credentials.length - left.length;
  return (
    <ConfirmDialog
      title={`Remove ${plural(credentials.length, 'old credential')}?`}
      confirmLabel={
        failed.length > 0 && !busy ? `Retry ${plural(failed.length, 'failed removal')}` : 'Remove'
      }
      cancelLabel={started ? 'Close' : 'Cancel'}
      danger={true}
      busy={busy}
      {...(props.returnFocusTo ? { returnFocusTo: props.returnFocusTo } : {})}
      onConfirm={() => void run()}
      onCancel={props.onClose}
    >
      <p>
        Each of these stops working: a workload still signing in with one of them fails from its next token
        request. Switch the workload to the new credential first.
      </p>
      <ul class="credential-list">
        {credentials.map((c) => {
          const p = progress[key(c)];
          return (
            <li key={key(c)} class={p ? `removal-${p.state}` : undefined}>
              <strong>{KINDS[c.type] ?? words(c.type)}</strong> <code>{c.keyId}</code>
              {c.displayName
                ? ` (${c.displayName}${c.hint ? `, ${c.hint}…` : ''})`
                : c.hint
                  ? ` (${c.hint}…)`
                  : ''}{' '}
              on the {c.objectType === 'application' ? 'application' : 'service principal'},{' '}
              {addedText(c, inventory.data?.get(key(c)))}
              {p ? (
                <span class="removal">
                  {' '}
                  —{' '}
                  {p.state === 'failed'
                    ? `not removed: ${p.message}`
                    : p.state === 'removing'
                      ? 'removing…'
                      : p.state === 'removed'
                        ? 'removed'
                        : 'waiting'}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p class="hint" role="status">
        {started
          ? `${done} of ${plural(credentials.length, 'credential')} removed${failed.length > 0 ? `, ${failed.length} refused` : ''}.`
          : '\u00a0'}
      </p>
      {props.directoryRequests.length > 0 ? (
        <>
          <p>
            This tenant has no Graph connection: Vigil removes them from its inventory only. Run these
            requests in Entra too, or the credentials keep working there.
          </p>
          <DirectoryRequests requests={props.directoryRequests} summary="Requests to run in Entra" />
        </>
      ) : null}
    </ConfirmDialog>
  );
}
