import { useId, useState } from 'preact/hooks';
import { errorMessage, sendJson } from '../api.ts';
import { type CertificateKey, certificateKey, readFileBytes } from '../certificate-file.ts';
import { objectPath } from '../credential-paths.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { Notice } from './notice.tsx';

/** What `addKey` answers: Graph's keyCredential (the thumbprint as `customKeyIdentifier`). */
export interface AddedCertificate {
  keyId: string;
  displayName: string | null;
  customKeyIdentifier: string | null;
  endDateTime: string | null;
  '@vigil.directoryRequests'?: string[];
}

/**
 * Registers a certificate on a service principal (`POST …/addKey`) from a PEM or DER file the
 * administrator picks. Only the public certificate is read and sent; the API's refusal (not a
 * certificate, expired, already held) is shown in the dialog.
 */
export function AddCertificateDialog(props: {
  servicePrincipalId: string;
  principalName: string;
  returnFocusTo?: string;
  onAdded: (added: AddedCertificate) => void;
  onClose: () => void;
}) {
  const hintId = useId();
  const [file, setFile] = useState<{ name: string; certificate: CertificateKey } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (chosen: File | undefined) => {
    setFile(null);
    setError(null);
    if (!chosen) return;
    try {
      setFile({ name: chosen.name, certificate: certificateKey(await readFileBytes(chosen)) });
    } catch (err) {
      setError(`${chosen.name}: ${errorMessage(err)}`);
    }
  };

  const add = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await sendJson<AddedCertificate>(
        'POST',
        `${objectPath('servicePrincipal', props.servicePrincipalId)}/addKey`,
        { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: file.certificate.key } },
      );
      if (answer) props.onAdded(answer);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title="Add a certificate"
      confirmLabel="Add certificate"
      busy={busy}
      confirmDisabled={file === null}
      focusField={true}
      {...(props.returnFocusTo ? { returnFocusTo: props.returnFocusTo } : {})}
      onConfirm={() => void add()}
      onCancel={props.onClose}
    >
      <p>
        Register the certificate the workload will sign in with on the service principal{' '}
        <strong>{props.principalName}</strong>. Choose its public certificate, a PEM (<code>.pem</code>,{' '}
        <code>.crt</code>, <code>.cer</code>) or DER file. The private key stays with the workload: if the
        file holds one too, only the certificate is sent.
      </p>
      <label class="field">
        <span>Certificate file</span>
        <input
          type="file"
          name="certificate"
          accept=".pem,.crt,.cer,.der,application/x-x509-ca-cert,application/pkix-cert"
          aria-describedby={hintId}
          onChange={(e) => void pick((e.target as HTMLInputElement).files?.[0])}
        />
      </label>
      <p id={hintId} class="hint">
        No certificate yet? <code>npx vigil credentials new-cert {props.servicePrincipalId}</code> generates a
        key pair and a self-signed certificate, registers the certificate on this service principal and prints
        the private key once.
      </p>
      <div aria-live="polite">
        {file ? (
          <p class="hint">
            Certificate read from {file.name}.
            {file.certificate.privateKeySkipped
              ? ' The file also holds a private key: it was left out and is not sent. Keep that file private.'
              : ''}
          </p>
        ) : null}
      </div>
      <Notice kind="error" text={error} />
    </ConfirmDialog>
  );
}
