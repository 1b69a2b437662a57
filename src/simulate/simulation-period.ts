import { MODEL_EPOCH } from './tenant-model.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Longest period simulated. Keys are rotated at most once in a period, so a period must end before
 * the successors of keys in use expire (a year at the earliest); half a year leaves room to spare.
 */
export const MAX_DAYS = 180;

/** The span a simulated tenant covers: whole hours, ms since 1970, `end` excluded. */
export interface SimulationPeriod {
  start: number;
  end: number;
  days: number;
}

/**
 * The period of `days` days ending at `end`, cut down to a whole hour because exports are hourly
 * blobs. Without `end` it starts at MODEL_EPOCH, so a seed gives the same tenant on every run.
 */
export function simulationPeriod(days: number, end?: Date): SimulationPeriod {
  if (!(Number.isInteger(days) && days >= 1 && days <= MAX_DAYS)) {
    throw new RangeError(`days must be a whole number from 1 to ${MAX_DAYS}, not ${days}`);
  }
  const endMs =
    end === undefined ? MODEL_EPOCH + days * DAY_MS : Math.floor(end.getTime() / HOUR_MS) * HOUR_MS;
  if (Number.isNaN(endMs)) throw new RangeError('end is not a valid date');
  return { start: endMs - days * DAY_MS, end: endMs, days };
}
