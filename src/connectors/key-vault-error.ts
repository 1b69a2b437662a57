import { readErrorEnvelope } from './read-error-envelope.ts';

/** What to tell an administrator about a Key Vault answer, beyond Key Vault's own message. */
const ADVICE: Readonly<Record<number, string>> = {
  401: 'Key Vault refused the access token: the vault may belong to another tenant than the connection',
  403:
    "the connection's app may not do this in the vault: give it the Key Vault Secrets Officer role " +
    '(or, with access policies, the list and set secret permissions)',
  404: 'no such secret in the vault',
  429: 'Key Vault is throttling the connection’s app: try again later',
};

/** A Key Vault request that failed: the status, Key Vault's error code and message, and its request id. */
export class KeyVaultError extends Error {
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** Key Vault's `error.code` (`Forbidden`, `SecretNotFound`, `Throttled`, …), or `RequestFailed`. */
  readonly code: string;
  /** The first line of Key Vault's `error.message`. */
  readonly vaultMessage: string;
  /** Key Vault's `x-ms-request-id`; null when none came. */
  readonly requestId: string | null;
  /** The wait Key Vault asked for, in seconds, when it throttled for longer than Vigil waits. */
  readonly retryAfterSeconds: number | null;

  constructor(fields: {
    status: number;
    code: string;
    vaultMessage: string;
    requestId: string | null;
    retryAfterSeconds?: number | null;
    /** What was attempted, e.g. `set secret db-password in https://contoso.vault.azure.net`. */
    doing: string;
  }) {
    const advice = ADVICE[fields.status];
    const status = fields.status === 0 ? 'no answer' : `${fields.status} ${fields.code}`;
    const wait =
      fields.retryAfterSeconds != null
        ? ` Key Vault asks to wait ${fields.retryAfterSeconds} s before retrying.`
        : '';
    super(
      `Key Vault: could not ${fields.doing} (${status}): ${fields.vaultMessage.replace(/\.$/, '') || 'no message'}` +
        `${advice ? ` (${advice})` : ''}.${wait}${fields.requestId ? ` x-ms-request-id ${fields.requestId}` : ''}`,
    );
    this.name = 'KeyVaultError';
    this.status = fields.status;
    this.code = fields.code;
    this.vaultMessage = fields.vaultMessage;
    this.requestId = fields.requestId;
    this.retryAfterSeconds = fields.retryAfterSeconds ?? null;
  }
}

/** Turns a Key Vault error answer into a KeyVaultError. */
export function keyVaultErrorFrom(
  doing: string,
  status: number,
  headers: Headers,
  text: string,
  retryAfterSeconds: number | null,
): KeyVaultError {
  const envelope = readErrorEnvelope(text);
  return new KeyVaultError({
    status,
    code: envelope?.code ?? `HTTP${status}`,
    // Key Vault's 403 message runs over several lines naming caller, action and assignment.
    vaultMessage: (envelope?.message ?? '').split(/\r?\n/)[0]!.trim(),
    requestId: headers.get('x-ms-request-id'),
    retryAfterSeconds,
    doing,
  });
}
