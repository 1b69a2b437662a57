import { randomInt } from 'node:crypto';

// Characters of an Entra client secret after its `Q~` marker (and of its hint).
const BODY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-';
const LETTERS = 52;

/** Picks an integer from `min` to `max`, both included. */
export type PickInt = (min: number, max: number) => number;

const cryptoPick: PickInt = (min, max) => randomInt(min, max + 1);

/**
 * The text of a client secret in Entra's current 40-character shape: the three-character hint,
 * a digit, `Q~`, 34 more characters. Leak scanners and `vigil leaks scan` recognise this shape, so a
 * secret Vigil issues is found when it leaks. Random from the CSPRNG unless `pick` is given.
 */
export function clientSecretText(hint?: string, pick: PickInt = cryptoPick): string {
  const head = hint ?? Array.from({ length: 3 }, () => BODY_CHARS[pick(0, LETTERS - 1)]).join('');
  if (!/^[A-Za-z0-9_~.-]{3}$/.test(head)) throw new RangeError(`'${head}' is not a client secret hint`);
  let body = '';
  // 34 draws of which the last is replaced: seeded simulations keep drawing the same sequence.
  for (let i = 0; i < 34; i++) body += BODY_CHARS[pick(0, BODY_CHARS.length - 1)];
  // A body ending in a separator reads as punctuation to scanners that stop there; end on a letter.
  body = `${body.slice(0, 33)}${BODY_CHARS[pick(0, LETTERS - 1)]}`;
  return `${head}${pick(0, 9)}Q~${body}`;
}
