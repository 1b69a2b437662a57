/**
 * Resolves on the event loop's next check phase, after the connections that became readable
 * meanwhile have been served: long work on the decision path's thread goes in slices with this
 * between them, so no decision waits behind the whole of it.
 */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
