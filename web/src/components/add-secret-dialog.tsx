import { useRef, useState } from 'preact/hooks';
import { errorMessage, sendJson } from '../api.ts';
import { objectPath } from '../credential-paths.ts';
import { formatTime } from '../format.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { DirectoryRequests } from './directory-requests.tsx';
import { Notice } from './notice.tsx';

/** What `addPassword` answers: Graph's passwordCredential with the secret, shown this once. */
interface AddedSecret {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  endDateTime: string | null;
  secretText: string;
  '@vigil.directoryRequests'?: string[];
}

/** What the page learns of an added secret: never the secret itself. */
export interface SecretAdded {
  keyId: string;
  displayName: string | null;
}

/**
 * Adds a client secret to a service principal (`POST …/addPassword`) and shows its value once, with
 * a button to copy it. The value lives only in this dialog's state: closing the dialog unmounts it,
 * and what it reports to the page (`onAdded`) carries the key id, not the secret.
 */
export function AddSecretDialog(props: {
  servicePrincipalId: string;
  principalName: string;
  returnFocusTo?: string;
  onAdded: (added: SecretAdded) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(`Remediation ${new Date().toISOString().slice(0, 10)}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<AddedSecret | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);

  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await sendJson<AddedSecret>(
        'POST',
        `${objectPath('servicePrincipal', props.servicePrincipalId)}/addPassword`,
        { passwordCredential: { displayName: name.trim() || null } },
      );
      if (!answer?.secretText) throw new Error('The server answered without the secret.');
      setAdded(answer);
      props.onAdded({ keyId: answer.keyId, displayName: answer.displayName });
      // The secret is what the person came for: put focus on it.
      setTimeout(() => secretRef.current?.select(), 0);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!added) return;
    try {
      await navigator.clipboard.writeText(added.secretText);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard access (an insecure origin or a refused permission): select it for Ctrl+C.
      secretRef.current?.select();
      setCopied('The browser refused the clipboard: the secret is selected, press Ctrl+C (⌘C) to copy it.');
    }
  };

  const requests = added?.['@vigil.directoryRequests'] ?? [];
  // One dialog throughout: the form becomes the secret in place, so focus stays inside it.
  return (
    <ConfirmDialog
      title={added ? 'Copy the client secret now' : 'Add a client secret'}
      confirmLabel={added ? null : 'Add secret'}
      cancelLabel={added ? 'Close' : 'Cancel'}
      busy={busy}
      focusField={true}
      {...(props.returnFocusTo ? { returnFocusTo: props.returnFocusTo } : {})}
      onConfirm={() => void add()}
      onCancel={props.onClose}
    >
      {added === null ? (
        <>
          <p>
            Vigil adds a client secret to the service principal <strong>{props.principalName}</strong>, valid
            for two years. Its value is shown once, right after it is added. A certificate is the safer choice
            when the workload can use one.
          </p>
          <label class="field">
            <span>Description</span>
            <input
              name="secretName"
              maxLength={120}
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !busy) void add();
              }}
            />
          </label>
          <Notice kind="error" text={error} />
        </>
      ) : (
        <>
          <p class="notice warn" role="alert">
            This is the only time the secret is shown. Vigil keeps only a hash of it: once this dialog is
            closed, nobody can show it again. Store it where the workload reads it (a key vault), not in a
            file or a chat.
          </p>
          <div class="secret-row">
            <label class="field grow">
              <span>Secret value</span>
              <input
                ref={secretRef}
                class="secret"
                name="secretText"
                readOnly
                value={added.secretText}
                autoComplete="off"
                spellcheck={false}
              />
            </label>
            <button type="button" class="primary" onClick={() => void copy()}>
              Copy
            </button>
          </div>
          <p class="hint" role="status">
            {copied ?? '\u00a0'}
          </p>
          <p class="hint">
            Key ID <code>{added.keyId}</code>
            {added.displayName ? ` · ${added.displayName}` : ''} · expires {formatTime(added.endDateTime)}
          </p>
          {requests.length > 0 ? (
            <>
              <p>
                This tenant has no Graph connection, so the secret was added to Vigil’s inventory only. Run
                these requests in Entra to add it there; Entra issues its own secret value, and that is the
                one the workload must use.
              </p>
              <DirectoryRequests requests={requests} summary="Requests to run in Entra" open={true} />
            </>
          ) : null}
        </>
      )}
    </ConfirmDialog>
  );
}
