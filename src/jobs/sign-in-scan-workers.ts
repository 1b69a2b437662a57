// Spreads a detection pass's scan over worker threads: each takes a share of the principals (balanced
// by how many new sign-ins they have), reads those principals' new sign-ins on its own connection and
// evaluates them exactly as this thread would (principal-evaluation.ts). Principals are independent,
// so the result is the same as one thread's; only the wall-clock time differs.
import { availableParallelism } from 'node:os';
import type { SignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate } from '../detections/detection.ts';
import type { IpIndicator } from '../enrich/threat-intel/indicator.ts';
import type { OpenStoreOptions, Store } from '../store/open-store.ts';
import type { ScanRange } from '../store/queries/sign-in-scan-queries.ts';
import { startWorker } from '../workers/start-worker.ts';
import type { PrincipalInput, PrincipalRun } from './principal-evaluation.ts';

/** What one worker is asked to evaluate (it opened the store when it started). */
export interface ScanShardRequest {
  range: ScanRange;
  inputs: PrincipalInput[];
  indicators: IpIndicator[];
}

/** What it hands back: per input, in order, the baseline learned and what was found. */
export type ScanShardResult =
  | {
      type: 'done';
      signIns: number;
      runs: { baseline: SignInBaseline; candidates: DetectionCandidate[] }[];
    }
  | { type: 'error'; message: string };

/** How a pass decides whether to spread its scan. */
export interface ScanWorkerOptions {
  /** Threads at most, and never more than the cores; 0 or 1 scans on the calling thread. Default 4. */
  workers?: number;
  /** Cores to count on; default: the machine's. */
  cores?: number;
  /** New sign-ins a worker must have to be worth starting (loading it costs a few hundred ms). */
  minSignInsPerWorker?: number;
}

const DEFAULT_MIN_SIGN_INS_PER_WORKER = 50_000;

/**
 * How many workers a scan of `signIns` new sign-ins gets: none (this thread) for small scans and for
 * stores another thread cannot open (SQLite in memory).
 */
export function scanWorkerCount(store: Store, signIns: number, options: ScanWorkerOptions = {}): number {
  if (store.openOptions.databaseUrl === ':memory:') return 0;
  const most = Math.min(options.workers ?? 4, options.cores ?? availableParallelism());
  const per = options.minSignInsPerWorker ?? DEFAULT_MIN_SIGN_INS_PER_WORKER;
  const n = Math.min(most, per <= 0 ? most : Math.floor(signIns / per));
  return n > 1 ? n : 0;
}

/**
 * Splits the principals into `count` shards of about equal sign-ins: heaviest first, each to the
 * lightest shard so far.
 */
export function shardPrincipals<T extends PrincipalInput>(
  inputs: readonly T[],
  weightOf: (input: T) => number,
  count: number,
): T[][] {
  const shards = Array.from({ length: count }, () => ({ weight: 0, inputs: [] as T[] }));
  const sorted = [...inputs].sort((a, b) => weightOf(b) - weightOf(a));
  for (const input of sorted) {
    let lightest = shards[0]!;
    for (const s of shards) if (s.weight < lightest.weight) lightest = s;
    lightest.inputs.push(input);
    lightest.weight += weightOf(input);
  }
  return shards.map((s) => s.inputs).filter((s) => s.length > 0);
}

/** Scan workers started ahead of their work: they load and open the store while the run prepares. */
export interface ScanWorkers {
  readonly count: number;
  /** Evaluates one shard per worker (at most `count`); resolves to the finished runs and the sign-ins read. */
  scan(
    shards: readonly PrincipalInput[][],
    range: ScanRange,
    indicators: IpIndicator[],
  ): Promise<{ runs: PrincipalRun[]; signIns: number }>;
  /** Stops every worker; safe to call more than once. */
  close(): Promise<void>;
}

/** Starts `count` scan workers on the store. */
export function startScanWorkers(store: Store, count: number): ScanWorkers {
  const pool = Array.from({ length: count }, () =>
    startWorker(
      import.meta.url,
      'sign-in-scan-worker',
      { open: store.openOptions satisfies OpenStoreOptions },
      // Fewer, larger scavenges: a scan allocates a short-lived sign-in per row.
      { resourceLimits: { maxYoungGenerationSizeMb: 64 } },
    ),
  );
  // A worker that fails before it is asked anything is reported when it is.
  for (const w of pool) w.on('error', () => {});
  return {
    count,
    async scan(shards, range, indicators) {
      if (shards.length > pool.length) throw new Error(`${shards.length} shards for ${pool.length} workers`);
      const results = await Promise.all(
        shards.map(
          (inputs, i) =>
            new Promise<{ runs: PrincipalRun[]; signIns: number }>((resolve, reject) => {
              const worker = pool[i]!;
              worker.once('message', (m: ScanShardResult) => {
                if (m.type === 'error') {
                  reject(new Error(`sign-in scan worker failed: ${m.message}`));
                  return;
                }
                const runs = inputs.map((input, j) => ({
                  ...input,
                  baseline: m.runs[j]!.baseline,
                  candidates: m.runs[j]!.candidates,
                  uses: new Map(),
                  evaluations: [],
                }));
                resolve({ runs, signIns: m.signIns });
              });
              worker.once('error', reject);
              worker.once('exit', (code) =>
                reject(new Error(`sign-in scan worker exited with code ${code}`)),
              );
              worker.postMessage({ range, inputs, indicators } satisfies ScanShardRequest);
            }),
        ),
      );
      return {
        runs: results.flatMap((r) => r.runs),
        signIns: results.reduce((n, r) => n + r.signIns, 0),
      };
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
