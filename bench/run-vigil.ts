// Benchmarks run Vigil as an operator would, as a `vigil` child process, and report its peak
// resident memory (VmHWM, sampled from /proc while it runs).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/vigil.js', import.meta.url));

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

function spawnVigil(args: string[], env: Record<string, string>, stdout: 'pipe' | 'ignore'): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
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
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
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
export async function serveVigil(env: Record<string, string>, timeoutMs = 60_000): Promise<ServingVigil> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnVigil(['serve', '--host', '127.0.0.1', '--port', String(port)], env, 'ignore');
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
    async stop() {
      if (exited === undefined) child.kill('SIGTERM');
      await closed;
    },
  };
}
