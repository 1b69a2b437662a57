// An open-loop load at a steady rate, for latency at a given share of the maximum throughput.
// autocannon's own rate limit lets each connection send its quota for the second back to back and
// then idle until the next second starts, so a "50%" run is a saturated burst followed by silence
// and its latencies are those of full load. Here request i is due at start + i / rate whether or
// not earlier ones have been answered, and its latency runs from when it was due, not from when it
// left: a request held back because every connection is busy, or because this client was late,
// counts the wait, so a stalled server shows up as latency instead of quietly lowering the rate
// (coordinated omission). How late the client itself sent requests is reported beside it.
//
// The client runs in a child process of its own: on a two-core machine whose cores the server
// shares, a client in the benchmark's process would pause for that process's timers, garbage and
// other servers (the benchmark's JWKS endpoint), and those pauses would read as server latency. It
// speaks just enough HTTP/1.1 over keep-alive sockets to send a GET and skip to the end of a
// response with a Content-Length: node:http's client costs several times more CPU per request.
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** One steady-rate run. */
export interface PacedLoadOptions {
  url: string;
  /** Headers of every request, or several header sets that requests take in turn. */
  headers: Record<string, string> | readonly Record<string, string>[];
  /** Requests per second. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive connections, opened before the run; requests due while all are busy wait, and that wait counts. */
  connections: number;
}

/** Latencies in milliseconds, from when each request was due until its response had ended. */
export interface PacedLoadResult {
  requests: number;
  /** Responses per second over the run. */
  achievedRate: number;
  non2xx: number;
  /** Failed connections, unreadable responses and requests unanswered at the end. */
  errors: number;
  statusCodes: Record<string, number>;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How late this client sent requests that found a connection free (timer granularity, its own pauses). */
  sendLagP99Ms: number;
}

// How long answers may lag behind the last request sent before the rest count as errors.
const DRAIN_MS = 30_000;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const SELF = fileURLToPath(import.meta.url);
// Marks the child, so importing this module elsewhere never starts a client.
const CHILD_FLAG = 'VIGIL_PACED_LOAD_CHILD';

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Sends `rate × durationSeconds` GET requests at even intervals from a child process and waits for
 * every answer.
 */
export function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  // From TypeScript sources the child needs the loader the benchmark itself runs under.
  const child = fork(SELF, [], {
    execArgv: SELF.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, [CHILD_FLAG]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: PacedLoadResult | null = null;
    child.once('message', (m: { result?: PacedLoadResult; error?: string }) => {
      if (m.result) result = m.result;
      else reject(new Error(`paced load failed: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the paced load process exited with ${code} before it answered`));
    });
    child.send({ ...options, headers: [options.headers].flat() });
  });
}

/** The client itself, in this process. */
async function pacedLoadHere(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const requests = [options.headers].flat().map((headers) =>
    Buffer.from(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        '\r\n',
      'latin1',
    ),
  );
  if (requests.length === 0) throw new Error('no header set to send');
  const total = Math.max(1, Math.round(options.rate * options.durationSeconds));
  const intervalMs = 1000 / options.rate;
  // Indexed by request, so nothing is allocated per request while the load runs.
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  const statusCodes: Record<string, number> = {};
  let settled = 0;
  let non2xx = 0;
  let errors = 0;
  // Requests leave in order: the next one to send is `sent`, and it is due at `dueOf(sent)`.
  let sent = 0;
  let lagged = 0;
  let started = 0;
  let finished = 0;
  let lost = 0;
  const idle: Conn[] = [];
  let done: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => {
    done = resolve;
  });
  const dueOf = (i: number) => started + i * intervalMs;

  const settle = (index: number, status: number | null) => {
    if (settled === total) return;
    const now = performance.now();
    if (status === null) errors++;
    else {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status < 200 || status > 299) non2xx++;
    }
    latencies[settled++] = now - dueOf(index);
    if (settled === total) {
      finished = now;
      done();
    }
  };

  /** One keep-alive connection: at most one request in flight. */
  class Conn {
    socket!: Socket;
    /** The request in flight, or -1 when none is. */
    index = -1;
    partial: Buffer | null = null;
    bodyLeft = -1;
    status = 0;

    open(): Promise<void> {
      this.partial = null;
      this.bodyLeft = -1;
      const socket = connect({ host: url.hostname, port, noDelay: true });
      this.socket = socket;
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          // Errors surface as the close that follows them.
          socket.on('error', () => {});
          socket.on('data', (chunk: Buffer) => this.read(chunk));
          socket.on('close', () => this.closed());
          resolve();
        });
      });
    }

    send(index: number): void {
      this.index = index;
      this.socket.write(requests[index % requests.length]!);
    }

    /** Takes the next request if it is due, or goes idle. */
    next(): void {
      if (sent < total && dueOf(sent) <= performance.now()) this.send(sent++);
      else idle.push(this);
    }

    read(chunk: Buffer): void {
      let buf = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
      this.partial = null;
      let offset = 0;
      while (offset < buf.length) {
        if (this.bodyLeft < 0) {
          const end = buf.indexOf(HEAD_END, offset);
          if (end < 0) {
            this.partial = buf.subarray(offset);
            return;
          }
          const head = buf.toString('latin1', offset, end);
          const length = CONTENT_LENGTH.exec(head);
          if (this.index < 0 || !length) {
            // Nothing asked for it, or a body this reader cannot delimit: drop the connection.
            this.socket.destroy();
            return;
          }
          this.status = Number(head.slice(9, 12));
          this.bodyLeft = Number(length[1]);
          offset = end + HEAD_END.length;
        }
        const take = Math.min(this.bodyLeft, buf.length - offset);
        offset += take;
        this.bodyLeft -= take;
        if (this.bodyLeft > 0) return;
        this.bodyLeft = -1;
        const index = this.index;
        this.index = -1;
        settle(index, this.status);
        this.next();
        buf = buf.subarray(offset);
        offset = 0;
      }
    }

    closed(): void {
      if (settled === total) return;
      if (this.index >= 0) {
        settle(this.index, null);
        this.index = -1;
      }
      const i = idle.indexOf(this);
      if (i >= 0) idle.splice(i, 1);
      // The server closed a keep-alive connection: carry on with a new one, and if the server is
      // gone, settle what was left to this one as errors once no connection remains.
      this.open().then(
        () => this.next(),
        () => {
          if (++lost === conns.length) giveUp();
        },
      );
    }
  }

  const conns = Array.from({ length: options.connections }, () => new Conn());
  await Promise.all(conns.map((c) => c.open()));
  idle.push(...conns);

  started = performance.now();
  // Timers fire a millisecond apart at best, so each tick sends every request that has come due
  // since the last one on the free connections; the rest go as connections free up.
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (settled === total) return;
    const now = performance.now();
    while (sent < total && dueOf(sent) <= now && idle.length > 0) {
      lags[lagged++] = now - dueOf(sent);
      idle.pop()!.send(sent++);
    }
    timer =
      sent < total
        ? setTimeout(tick, Math.max(0, dueOf(sent) - performance.now()))
        : setTimeout(giveUp, DRAIN_MS);
  };
  const giveUp = () => {
    while (settled < total) settle(sent, null);
  };
  tick();
  await allSettled;
  clearTimeout(timer);
  for (const c of conns) c.socket.destroy();

  latencies.sort();
  const lagsSorted = lags.subarray(0, lagged).sort();
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: total,
    achievedRate: Math.round((total - errors) / ((finished - started) / 1000)),
    non2xx,
    errors,
    statusCodes,
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? Number.NaN),
    sendLagP99Ms: round(percentile(lagsSorted, 99)),
  };
}

if (process.env[CHILD_FLAG] === '1' && process.argv[1] === SELF) {
  process.once('message', (options: PacedLoadOptions) => {
    pacedLoadHere(options).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
    );
  });
}
