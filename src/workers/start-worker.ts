// Worker threads run the compiled JavaScript beside their caller, or, from the TypeScript sources
// (tests, development), the TypeScript module through worker-boot.js, which registers the loader
// first: worker threads do not inherit it on Node 20.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.js', import.meta.url);

/**
 * Starts the worker module `name` (without extension) that lives beside `callerUrl` (the caller's
 * `import.meta.url`), handing it `workerData`.
 */
export function startWorker(
  callerUrl: string,
  name: string,
  workerData: Record<string, unknown>,
  options: Omit<WorkerOptions, 'workerData'> = {},
): Worker {
  if (callerUrl.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, callerUrl).href;
    return new Worker(BOOT, { ...options, workerData: { ...workerData, entry } });
  }
  return new Worker(new URL(`./${name}.js`, callerUrl), { ...options, workerData });
}
