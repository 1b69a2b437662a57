// Entra client secrets since 2021: three characters, a digit, `Q~`, then 31 to 34 more (40 in all today).
const SECRET_BODY = '[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}';
// The boundaries keep a secret-shaped run inside a longer token (a hash, a URL path) from matching.
const SECRET_IN_TEXT = `(?<![A-Za-z0-9_~.-])${SECRET_BODY}(?![A-Za-z0-9_~.-])`;
const WHOLE_SECRET = new RegExp(`^${SECRET_BODY}$`);

/** Whether a value is, in full, an Entra client secret of the current shape. */
export function isClientSecretShape(value: string): boolean {
  return WHOLE_SECRET.test(value);
}

/** A client secret found in text and its offset. */
export interface ClientSecretMatch {
  secret: string;
  offset: number;
}

/** Every client secret of the current shape in a text, with non-secret characters (or the ends) on both sides. */
export function findClientSecrets(text: string): ClientSecretMatch[] {
  // `Q~` is rare in text; testing for it first keeps scanning large non-matching files cheap.
  if (!text.includes('Q~')) return [];
  const found: ClientSecretMatch[] = [];
  for (const match of text.matchAll(new RegExp(SECRET_IN_TEXT, 'g'))) {
    found.push({ secret: match[0], offset: match.index });
  }
  return found;
}

// Graph documents `secretText` as 16 to 64 characters; older secrets (before the `Q~` shape) use
// symbols such as `.=-:[_@*]+?` as well, so only length and the absence of whitespace are checked.
const PLAUSIBLE_SECRET = /^\S{16,64}$/;

/**
 * Whether a value a scanner labelled as an Entra client secret could be one, of either the current
 * or the older shape. Use only where the label is trustworthy: on its own this says little.
 */
export function isPlausibleClientSecret(value: string): boolean {
  return PLAUSIBLE_SECRET.test(value) && !value.includes('REDACTED') && !value.includes('*****');
}
