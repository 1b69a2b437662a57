import type { Store } from '../store/open-store.ts';
import { type ChangeCounter, readCounters } from '../store/queries/bump-counter.ts';

/** How often to look; how many milliseconds another process's change may go unseen. */
export interface ChangeCounterPollOptions {
  pollMs?: number;
}

/**
 * Reads the change counters every `pollMs` and hands each reading to `onCounters`, so in-memory
 * state learns of changes made by any process. A reading is one indexed query of five rows; it is
 * kept apart from slower reloads (the access state's) so that their duration never delays it.
 */
export function createChangeCounterPoll(
  store: Store,
  onCounters: (counters: Readonly<Record<ChangeCounter, number>>) => void,
  options: ChangeCounterPollOptions = {},
) {
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> | null = null;
  const readOnce = async (): Promise<void> => onCounters(await readCounters(store.db));
  const poll = {
    /**
     * Reads the counters now. A caller that has just committed a change gets a reading taken after
     * its commit: a reading already under way may predate it, so it is followed by another.
     */
    refresh(): Promise<void> {
      if (reading) return reading.then(readOnce, readOnce);
      reading = readOnce().finally(() => {
        reading = null;
      });
      return reading;
    },
    /** Reads every `pollMs` until stopped. */
    start(onError: (err: unknown) => void): void {
      if (timer) return;
      timer = setInterval(() => poll.refresh().catch(onError), options.pollMs ?? 250);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return poll;
}

/** A running poll of the change counters. */
export type ChangeCounterPoll = ReturnType<typeof createChangeCounterPoll>;
