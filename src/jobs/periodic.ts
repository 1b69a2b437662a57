/**
 * Runs `work` now and then every `intervalMs`, never two at once in this process: a tick that finds
 * the previous run still going is skipped. `stop()` stops scheduling and waits for a run in
 * progress, so a shutdown never cuts one off halfway. The timer does not keep the process alive.
 */
export function startPeriodic(work: (stopped: () => boolean) => Promise<void>, intervalMs: number) {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = work(() => stopped).finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setImmediate(tick);
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
