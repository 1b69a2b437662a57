// Worker thread: reads, frames, parses, normalises and enriches files, and hands batches to the
// main thread, which owns the store. Parsing is most of the cost of an import; doing it here
// leaves the main thread free to write, so the two overlap on two cores.
import { parentPort, workerData } from 'node:worker_threads';
import { loadIpIntel } from '../enrich/ip-intel.ts';
import { frameRecords } from './frame-records.ts';
import { openSourceFile } from './read-source.ts';
import { createRecordProcessor } from './record-processor.ts';
import type { WorkerJob, WorkerMessage, WorkerReply } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('parse-worker must run as a worker thread');
const job = workerData.job as WorkerJob;
const post = (m: WorkerMessage) => port.postMessage(m);

// At most this many batches in flight to the main thread: bounded memory whatever the input size.
const MAX_IN_FLIGHT = 3;
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (m: WorkerReply) => {
  if (m.type === 'ack') {
    inFlight--;
    wake?.();
    wake = null;
  }
});
const room = async () => {
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
};

try {
  const intel = job.enrich ? await loadIpIntel() : null;
  let bytes = 0;
  const processor = createRecordProcessor({
    tenantId: job.tenantId,
    intel,
    batchSize: job.batchSize,
    emit(batch, counts, formats) {
      inFlight++;
      post({ type: 'batch', batch, counts, formats, bytes });
      bytes = 0;
    },
  });
  for (const file of job.files) {
    processor.setSource(file);
    post({ type: 'file', path: file });
    try {
      const stream = await openSourceFile(file, (n) => {
        bytes += n;
      });
      await frameRecords(stream, processor.sink, {
        maxRecordBytes: job.maxRecordBytes,
        maxDocumentBytes: job.maxDocumentBytes,
        afterChunk: room,
      });
    } catch (err) {
      processor.sink.bad(`unreadable: ${(err as Error).message}`, null, null, '');
    }
    processor.flush();
    await room();
  }
  post({ type: 'done' });
} catch (err) {
  post({ type: 'error', message: (err as Error).stack ?? String(err) });
}
