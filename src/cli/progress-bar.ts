import cliProgress from 'cli-progress';
import type { ImportProgress } from '../ingest/pipeline.ts';

/** A progress bar on standard error, drawn only when it is a terminal. */
export function createProgressBar() {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        '{bar} {percentage}% | {value}/{total} MB | files {files} | {records} records | {rate} records/s',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: ImportProgress, elapsedMs: number) {
      const mb = (n: number) => Math.round(n / 1e5) / 10;
      const payload = {
        files: `${Math.max(0, Math.min(p.filesDone + 1, p.files))}/${p.files}`,
        records: p.records.toLocaleString('en-US'),
        rate: elapsedMs > 0 ? Math.round((p.records * 1000) / elapsedMs).toLocaleString('en-US') : '0',
      };
      if (!started) {
        bar.start(mb(p.bytesTotal), 0, payload);
        started = true;
      }
      bar.update(Math.min(mb(p.bytesRead), mb(p.bytesTotal)), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
