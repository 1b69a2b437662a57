// Benchmarks run Vigil as an operator would, as a `vigil` child process, and report its peak
// resident memory (VmHWM, sampled from /proc while it runs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/vigil.js', import.meta.url));

/** Runs `vigil <args>` with `env` added; resolves to its standard output and peak memory in MB. */
export async function runVigil(
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; peakRssMb: number }> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // The process has exited; the last sample stands.
    }
  }, 20);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`vigil ${args.join(' ')} exited with ${code}`);
  return { out, peakRssMb: Math.round(peakKb / 1024) };
}
