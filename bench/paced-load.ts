// An open-loop load at a steady rate, for latency at a given share of the maximum throughput.
// autocannon's own rate limit lets each connection send its quota for the second back to back and
// then idle until the next second starts, so a "50%" run is a saturated burst followed by silence
// and its latencies are those of full load. Here requests leave evenly spaced whether or not earlier
// ones have been answered, and a request held back because every connection is busy is timed from
// when it was due, so a stalled server shows up as latency instead of quietly lowering the rate
// (coordinated omission).
//
// The client speaks just enough HTTP/1.1 over keep-alive sockets to send a GET and skip to the end
// of a response with a Content-Length: node:http's client costs several times more CPU per request,
// and on a machine whose cores the server shares that cost would be measured as server latency.
import { connect, type Socket } from 'node:net';

/** One steady-rate run. */
export interface PacedLoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive connections, opened before the run; requests due while all are busy wait, and that wait counts. */
  connections: number;
}

/** Latencies in milliseconds, until each response had ended. */
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
}

// How long answers may lag behind the last request sent before the rest count as errors.
const DRAIN_MS = 30_000;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sends `rate × durationSeconds` GET requests at even intervals and waits for every answer. */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n` +
      Object.entries(options.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n',
    'latin1',
  );
  const total = Math.max(1, Math.round(options.rate * options.durationSeconds));
  const intervalMs = 1000 / options.rate;
  const latencies = new Float64Array(total);
  const statusCodes: Record<string, number> = {};
  let settled = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let started = 0;
  let finished = 0;
  // Due times of requests waiting for a free connection, oldest first.
  const waiting: number[] = [];
  let waitingHead = 0;
  let lost = 0;
  const idle: Conn[] = [];
  let done: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => {
    done = resolve;
  });

  const settle = (since: number, status: number | null) => {
    if (settled === total) return;
    const now = performance.now();
    if (status === null) errors++;
    else {
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status < 200 || status > 299) non2xx++;
    }
    latencies[settled++] = now - since;
    if (settled === total) {
      finished = now;
      done();
    }
  };

  /** One keep-alive connection: at most one request in flight. */
  class Conn {
    socket!: Socket;
    /** When the request in flight started to count, or -1 when none is. */
    since = -1;
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

    send(since: number): void {
      this.since = since;
      this.socket.write(request);
    }

    /** Takes the next waiting request, or goes idle. */
    next(): void {
      if (waitingHead < waiting.length) {
        this.send(waiting[waitingHead++]!);
        if (waitingHead > 4096 && waitingHead * 2 > waiting.length) {
          waiting.splice(0, waitingHead);
          waitingHead = 0;
        }
      } else idle.push(this);
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
          if (this.since < 0 || !length) {
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
        const since = this.since;
        this.since = -1;
        settle(since, this.status);
        this.next();
        buf = buf.subarray(offset);
        offset = 0;
      }
    }

    closed(): void {
      if (settled === total) return;
      if (this.since >= 0) {
        settle(this.since, null);
        this.since = -1;
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

  // A request that finds a free connection is timed from when it leaves: timer granularity and
  // pauses of this process are the client's, not the server's. One that must wait for a connection
  // is timed from when it was due, since the server's slowness is what keeps it waiting.
  const dispatch = (due: number, now: number) => {
    const conn = idle.pop();
    if (conn) conn.send(now);
    else waiting.push(due);
  };
  started = performance.now();
  // Timers fire a millisecond apart at best, so each tick sends every request that has come due
  // since the last one.
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (settled === total) return;
    const now = performance.now();
    const dueCount = Math.min(total, Math.floor((now - started) / intervalMs) + 1);
    while (sent < dueCount) dispatch(started + sent++ * intervalMs, now);
    timer =
      sent < total
        ? setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()))
        : setTimeout(giveUp, DRAIN_MS);
  };
  const giveUp = () => {
    while (settled < total) settle(started, null);
  };
  tick();
  await allSettled;
  clearTimeout(timer);
  for (const c of conns) c.socket.destroy();

  latencies.sort();
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
  };
}
