import type { Random } from './random.ts';

// Characters of an Entra client secret after its `Q~` marker.
const BODY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-';

/**
 * The text of a client secret whose `hint` (the first three characters Entra shows) is the one given,
 * in the current 40-character shape: hint, a digit, `Q~`, 34 more characters.
 */
export function clientSecretText(rnd: Random, hint: string): string {
  if (!/^[A-Za-z0-9_~.-]{3}$/.test(hint)) throw new RangeError(`'${hint}' is not a client secret hint`);
  let body = '';
  for (let i = 0; i < 34; i++) body += BODY_CHARS[rnd.int(0, BODY_CHARS.length - 1)];
  // A body ending in a separator reads as punctuation to scanners that stop there; end on a letter.
  body = `${body.slice(0, 33)}${BODY_CHARS[rnd.int(0, 51)]}`;
  return `${hint}${rnd.int(0, 9)}Q~${body}`;
}
