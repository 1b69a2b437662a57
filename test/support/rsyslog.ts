import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSyslog, type SyslogMessage } from './parse-syslog.ts';
import { selfSignedLoopback } from './self-signed.ts';

/** Where Debian's `rsyslog` package puts the daemon; `VIGIL_TEST_RSYSLOGD` points elsewhere. */
const RSYSLOGD_CANDIDATES = ['/usr/sbin/rsyslogd', '/usr/local/sbin/rsyslogd'];

/** A running rsyslogd that files every message it receives, in RFC 5424 form, for a test to read. */
export interface Rsyslog {
  /** The TCP port it listens on. */
  port: number;
  /** PEM path of the CA that signed its certificate (TLS receivers only). */
  caFile: string | null;
  /** Every message filed so far, parsed, in the order received. */
  received(): SyslogMessage[];
  /** Waits until at least `count` messages are filed; throws with rsyslogd's own log after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SyslogMessage[]>;
  /** What rsyslogd said about itself (start-up, TLS errors): the first thing to read when a test fails. */
  log(): string;
  /** Stops rsyslogd; what it filed stays readable until `close`. */
  stop(): Promise<void>;
  /** Stops rsyslogd and removes its directory. */
  close(): Promise<void>;
}

/** How to start it. */
export interface RsyslogOptions {
  /** Listen with TLS (gtls, anonymous clients) using a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /** Listen on this port rather than one the kernel picks (to bring a receiver back where it was). */
  port?: number;
}

/**
 * The rsyslogd binary. Throws when there is none: the syslog tests must fail, not skip, on a machine
 * without it (`.ci/run` installs Debian's package).
 */
export function findRsyslogd(): string {
  const candidates = process.env.VIGIL_TEST_RSYSLOGD
    ? [process.env.VIGIL_TEST_RSYSLOGD]
    : RSYSLOGD_CANDIDATES;
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Try the next place.
    }
  }
  throw new Error(
    `rsyslogd is not installed (looked for ${candidates.join(', ')}). The syslog export tests need a real ` +
      'rsyslog with TLS: `apt-get install -y rsyslog rsyslog-gnutls` (.ci/run does), or set VIGIL_TEST_RSYSLOGD.',
  );
}

/** The configuration: remote messages to `out.log` in RFC 5424 form, rsyslogd's own to `rsyslogd.log`. */
export function rsyslogConfig(dir: string, port: number, tls: boolean): string {
  // Every path lives in the temp directory, so rsyslogd runs without touching the system's files.
  const driver = tls
    ? `module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")`
    : `module(load="imtcp")`;
  const certificates = tls
    ? ` DefaultNetstreamDriverCAFile="${dir}/ca.pem" DefaultNetstreamDriverCertFile="${dir}/cert.pem"` +
      ` DefaultNetstreamDriverKeyFile="${dir}/key.pem"`
    : '';
  return `
global(workDirectory="${dir}" maxMessageSize="64k"${certificates})
${driver}
input(type="imtcp" port="${port}" listenPortFileName="${dir}/port" ruleset="remote")
ruleset(name="remote") {
  action(type="omfile" file="${dir}/out.log" template="RSYSLOG_SyslogProtocol23Format")
}
action(type="omfile" file="${dir}/rsyslogd.log")
`;
}

/** Starts rsyslogd in a temp directory; resolves once it accepts connections. */
export async function startRsyslog(options: RsyslogOptions = {}): Promise<Rsyslog> {
  const binary = findRsyslogd();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rsyslog-'));
  const tls = options.tls ?? false;
  let caFile: string | null = null;
  if (tls) {
    const pems = await selfSignedLoopback();
    // Self-signed: the certificate is its own CA.
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'ca.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.key);
    caFile = join(dir, 'ca.pem');
  }
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, rsyslogConfig(dir, options.port ?? 0, tls));
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const child = spawn(binary, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  // A crashed test run must not leave rsyslogd listening: it dies with this process.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = () => `${output}${read('rsyslogd.log')}`.trim();
  const stopped = async () => {
    process.off('exit', killOnExit);
    await stop(child);
  };

  const port = await waitUntilListening(child, () => Number(read('port').trim()) || options.port || null);
  if (port === null) {
    await stopped();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`rsyslogd did not start: ${log() || 'no output'}`);
  }

  const received = () =>
    read('out.log')
      .split('\n')
      .filter((line) => line !== '')
      .map(parseSyslog);
  return {
    port,
    caFile,
    received,
    log,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = received();
        if (messages.length >= count) return messages;
        if (Date.now() > deadline) {
          throw new Error(`rsyslogd filed ${messages.length} of ${count} messages; its log:\n${log()}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: stopped,
    async close() {
      await stopped();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until rsyslogd has written its port and accepts a TCP connection there; null if it exits first or takes over 10 s. */
async function waitUntilListening(child: ChildProcess, portOf: () => number | null): Promise<number | null> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (!exited && Date.now() < deadline) {
    const port = portOf();
    if (port !== null && (await accepts(port))) return port;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

/** Whether something accepts a TCP connection on the port (closed again at once, sending nothing). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks rsyslogd to shut down (SIGTERM, which flushes its files), then kills it if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
