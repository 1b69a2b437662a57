// Benchmarks run Vigil as an operator would, as a `vigil` child process, and report its peak
// resident memory (VmHWM, sampled from /proc while it runs).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type EventLoopReport, PROBE_QUESTION } from './event-loop-probe.ts';

const bin = fileURLToPath(new URL('../bin/vigil.js', import.meta.url));
const probe = fileURLToPath(new URL('./event-loop-probe.ts', import.meta.url));

/** Samples a process's peak resident memory until stopped; `peakMb()` reads the highest seen. */
function samplePeakRss(pid: number | undefined): { stop(): void; peakMb(): number } {
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // The process has exited; the last sample stands.
    }
  }, 20);
  return { stop: () => clearInterval(timer), peakMb: () => Math.round(peakKb / 1024) };
}

function spawnVigil(
  args: string[],
  env: Record<string, string>,
  stdout: 'pipe' | 'ignore',
  nodeArgs: string[] = [],
  ipc = false,
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit', ...(ipc ? ['ipc' as const] : [])],
  });
}

/** Runs `vigil <args>` with `env` added; resolves to its standard output and peak memory in MB. */
export async function runVigil(
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; peakRssMb: number }> {
  const child = spawnVigil(args, env, 'pipe');
  const rss = samplePeakRss(child.pid);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  rss.stop();
  if (code !== 0) throw new Error(`vigil ${args.join(' ')} exited with ${code}`);
  return { out, peakRssMb: rss.peakMb() };
}

/** A `vigil serve` child listening on loopback. */
export interface ServingVigil {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Peak resident memory of the server so far, in MB. */
  peakRssMb(): number;
  /**
   * CPU time the server has used so far (user and system, all its threads), in milliseconds at
   * the kernel's 10 ms tick: what requests cost, whatever share of the machine they were given.
   */
  cpuMs(): number;
  /**
   * The server's event-loop delay and garbage-collection pauses since the last call (or since it
   * started); null unless it was started with `probe`.
   */
  eventLoop(): Promise<EventLoopReport | null>;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/** How a benchmarked server is started. */
export interface ServeVigilOptions {
  timeoutMs?: number;
  /** Loads the event-loop probe into the server (bench/event-loop-probe.ts). */
  probe?: boolean;
  /** Writes a V8 CPU profile of the server into this directory when it stops (`node --cpu-prof`). */
  cpuProfileDir?: string;
}

// /proc counts CPU time in clock ticks, 100 a second on Linux.
const TICK_MS = 10;

/** A process's user and system CPU time so far in milliseconds, from /proc; 0 once it has exited. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** A port nothing listens on now (the kernel's pick), for a child to listen on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

/** Starts `vigil serve` on 127.0.0.1 and a free port with `env` added; resolves once `/healthz` answers 200. */
export async function serveVigil(
  env: Record<string, string>,
  options: ServeVigilOptions = {},
): Promise<ServingVigil> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The probe is TypeScript: the loader goes first (it only changes how modules load, not how they run).
  const child = spawnVigil(
    ['serve', '--host', '127.0.0.1', '--port', String(port)],
    env,
    'ignore',
    [
      ...(options.probe ? ['--import', 'tsx', '--import', probe] : []),
      ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ],
    options.probe === true,
  );
  const rss = samplePeakRss(child.pid);
  let exited: number | null | undefined;
  const closed = new Promise<void>((resolve) =>
    child.on('close', (code) => {
      exited = code;
      rss.stop();
      resolve();
    }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`vigil serve exited with ${exited} before it was healthy`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigil serve did not answer /healthz within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    peakRssMb: rss.peakMb,
    cpuMs: () => cpuMsOf(child.pid),
    eventLoop() {
      if (!options.probe || exited !== undefined) return Promise.resolve(null);
      return new Promise((resolve) => {
        child.once('message', (report: EventLoopReport) => resolve(report));
        child.send(PROBE_QUESTION);
      });
    },
    async stop() {
      if (exited === undefined) child.kill('SIGTERM');
      await closed;
    },
  };
}
