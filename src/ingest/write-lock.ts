/**
 * Runs `fn` holding a lock shared between threads (an Int32 in shared memory), or directly when
 * there is no lock. SQLite takes one writer at a time; waiting here wakes the next writer the
 * moment the lock is free, where SQLite's own busy handler would sleep and poll.
 */
export async function withWriteLock<T>(lock: Int32Array | null, fn: () => Promise<T>): Promise<T> {
  if (lock === null) return fn();
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 50);
  try {
    return await fn();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0, 1);
  }
}
