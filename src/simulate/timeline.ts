// A workload's behaviour changes a few times in a period (a rotated key, an SDK upgrade, a new
// region); a short list of phases, read at each sign-in's time, says which behaviour applies.

/** One phase: `value` holds from `from` (ms since 1970) until the next phase begins. */
export interface Phase<T> {
  from: number;
  value: T;
}

/** Phases in time order; the first applies from the beginning, whatever its `from`. */
export type Timeline<T> = Phase<T>[];

/** A timeline with one phase. */
export function constant<T>(value: T): Timeline<T> {
  return [{ from: Number.NEGATIVE_INFINITY, value }];
}

/** The value in force at `ms`. */
export function valueAt<T>(timeline: Timeline<T>, ms: number): T {
  // Timelines hold one to four phases: a backwards scan beats any search.
  for (let i = timeline.length - 1; i > 0; i--) {
    if (timeline[i]!.from <= ms) return timeline[i]!.value;
  }
  return timeline[0]!.value;
}

/** Adds a phase from `from` on, keeping time order; later phases are kept. */
export function addPhase<T>(timeline: Timeline<T>, from: number, value: T): void {
  let i = timeline.length;
  while (i > 1 && timeline[i - 1]!.from > from) i--;
  timeline.splice(i, 0, { from, value });
}
