// Loaded into a benchmarked `vigil serve` with `--import` (see run-vigil.ts): watches the server's
// event loop and garbage collector from inside, so a latency tail can be told apart as the
// server's own stalls or as time spent outside it (the load generator, other processes). Asked
// over the IPC channel, it answers what it saw since the last question and starts over.
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

/** What the probe saw in one window: event-loop delay (beyond the 1 ms sampling interval) and garbage-collection pauses, in milliseconds. */
export interface EventLoopReport {
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of the window the event loop was busy (0–1). */
  utilization: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Mark-compact collections (the long ones); the rest are scavenges of the young generation. */
  majorGcCount: number;
  /** Stalls: a millisecond timer that fired at least STALL_MS late. */
  stallCount: number;
  longestStallMs: number;
  /**
   * CPU time the process used during the longest stall: near its length when the server itself was
   * busy (a long task, a collection), near zero when it was not running at all (other processes had
   * the cores) or waited in a system call.
   */
  longestStallCpuMs: number;
}

// Half the p99 target: a stall this long is one a request can notice.
const STALL_MS = 2.5;

/** The question run-vigil.ts sends. */
export const PROBE_QUESTION = 'vigil-bench-event-loop-report';

if (process.send) {
  // Sampled every millisecond: a coarser timer would hide stalls shorter than the 5 ms at stake.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  const gc = { count: 0, totalMs: 0, maxMs: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      // A gc entry's detail says which collector ran; the type names no detail on entries.
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  }).observe({ entryTypes: ['gc'] });
  // The histogram holds whole intervals between samples: what exceeds the interval is the delay.
  const stalls = { count: 0, longestMs: 0, longestCpuMs: 0 };
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const gap = now - lastAt - 1;
    if (gap >= STALL_MS) {
      stalls.count++;
      if (gap > stalls.longestMs) {
        stalls.longestMs = gap;
        stalls.longestCpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      }
    }
    lastAt = now;
    lastCpu = cpu;
  }, 1).unref();
  const ms = (ns: number) => Math.max(0, Math.round((ns - 1e6) / 1e4) / 100);
  process.on('message', (m: unknown) => {
    if (m !== PROBE_QUESTION) return;
    const used = performance.eventLoopUtilization(elu);
    const report: EventLoopReport = {
      delayP50Ms: ms(delay.percentile(50)),
      delayP99Ms: ms(delay.percentile(99)),
      delayMaxMs: ms(delay.max),
      utilization: Math.round(used.utilization * 1000) / 1000,
      gcCount: gc.count,
      gcTotalMs: Math.round(gc.totalMs * 10) / 10,
      gcMaxMs: Math.round(gc.maxMs * 100) / 100,
      majorGcCount: gc.major,
      stallCount: stalls.count,
      longestStallMs: Math.round(stalls.longestMs * 100) / 100,
      longestStallCpuMs: Math.round(stalls.longestCpuMs * 100) / 100,
    };
    Object.assign(stalls, { count: 0, longestMs: 0, longestCpuMs: 0 });
    delay.reset();
    elu = performance.eventLoopUtilization();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0, major: 0 });
    process.send?.(report);
  });
  // The channel must not keep a server alive that was told to stop.
  process.channel?.unref();
}
