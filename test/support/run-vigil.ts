import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `vigil` executable of this checkout. */
export const VIGIL_BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));

/** Output of a finished `vigil` run. */
export interface VigilRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// The compiled build when the test runner has just made it (scripts/run-tests.js), else the sources:
// a build left from earlier may not match them.
const FROM_SOURCE = process.env.VIGIL_TEST_FRESH_BUILD === '1' ? '0' : '1';

/** Starts `vigil <args>` with extra environment; the caller decides when it ends. */
export function startVigil(
  args: string[],
  env: Record<string, string>,
  input?: Buffer | string,
): ChildProcess {
  const child = spawn(process.execPath, [VIGIL_BIN, ...args], {
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_FROM_SOURCE: FROM_SOURCE, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  return child;
}

/** Runs `vigil <args>` to the end and collects its output. */
export function runVigil(
  args: string[],
  env: Record<string, string>,
  input?: Buffer | string,
): Promise<VigilRun> {
  const child = startVigil(args, env, input);
  return collect(child);
}

/** Collects a child's output until it exits. */
export function collect(child: ChildProcess): Promise<VigilRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
