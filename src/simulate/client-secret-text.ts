import { clientSecretText as secretText } from '../credentials/client-secret-text.ts';
import type { Random } from './random.ts';

/**
 * The text of a client secret whose `hint` (the first three characters Entra shows) is the one given,
 * in the current 40-character shape, drawn from the simulation's seeded random source.
 */
export function clientSecretText(rnd: Random, hint: string): string {
  return secretText(hint, (min, max) => rnd.int(min, max));
}
