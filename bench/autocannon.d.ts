// The part of autocannon 8's API the benchmarks use; the package ships no types, and the
// DefinitelyTyped ones describe an older major.
declare module 'autocannon' {
  namespace autocannon {
    /** Options of one run. */
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      headers?: Record<string, string>;
    }
    /** A histogram summary: per-second samples for requests and throughput, milliseconds for latency. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
    }
    /** What a finished run reports. */
    interface Result {
      /** Seconds the run lasted. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { total: number; sent: number };
      throughput: Histogram & { total: number };
    }
  }
  /** Runs a load test to completion. */
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
