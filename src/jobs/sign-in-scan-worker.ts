// A detection pass's scan worker: opens its own connection to the store, reads the new sign-ins of its
// share of the principals, evaluates them and hands back each principal's baseline and findings.
// Reading and evaluating cost about the same per sign-in and both grow with the tenant, so sharing
// the principals among threads makes the pass as many times faster as there are cores to run them.
import { parentPort, workerData } from 'node:worker_threads';
import { type OpenStoreOptions, openStore } from '../store/open-store.ts';
import {
  finishPrincipalRun,
  openPrincipalRun,
  scanPrincipalRuns,
  threatIntelContext,
} from './principal-evaluation.ts';
import type { ScanShardRequest, ScanShardResult } from './sign-in-scan-workers.ts';

const port = parentPort;
if (port === null) throw new Error('sign-in-scan-worker must run as a worker thread');

// The store is opened as soon as the thread starts; the request comes once this run has worked out
// the principals and their baselines, which it does meanwhile.
const opened = openStore({ ...(workerData.open as OpenStoreOptions), migrate: false });
opened.catch(() => {});
port.once('message', (request: ScanShardRequest) => {
  evaluate(request).then(
    (result) => port.postMessage(result),
    (err: unknown) =>
      port.postMessage({
        type: 'error',
        message: (err as Error).stack ?? String(err),
      } satisfies ScanShardResult),
  );
});

async function evaluate(request: ScanShardRequest): Promise<ScanShardResult> {
  const store = await opened;
  try {
    const intel = threatIntelContext(request.indicators);
    const runs = request.inputs.map((input) => openPrincipalRun(input, intel));
    const signIns = await scanPrincipalRuns(
      store,
      runs,
      request.range,
      runs.map((r) => r.principalId),
    );
    for (const run of runs) finishPrincipalRun(run);
    return {
      type: 'done',
      signIns,
      runs: runs.map((r) => ({ baseline: r.baseline, candidates: r.candidates })),
    };
  } finally {
    await store.close();
  }
}
