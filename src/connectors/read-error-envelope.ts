/** The error body Microsoft Graph and Azure Key Vault share: `{"error":{"code","message",…}}`. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  /** Graph's `innerError` (Key Vault's `innererror`), when given. */
  innerError: Readonly<Record<string, unknown>> | null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads an error envelope from a response body; null when the body is not one. */
export function readErrorEnvelope(text: string): ErrorEnvelope | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const error = isRecord(parsed) ? parsed.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string') return null;
  const inner = error.innerError ?? error.innererror;
  return {
    code: error.code,
    message: typeof error.message === 'string' ? error.message : '',
    innerError: isRecord(inner) ? inner : null,
  };
}
