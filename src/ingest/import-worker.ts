// An import worker: reads its share of the input, frames, parses, normalises and enriches it,
// and hands full batches to the main thread, which is the one writer. Parsing and writing cost
// about the same per record, so with one thread on each they overlap and the import runs at the
// speed of the slower of the two rather than of their sum.
import { parentPort, workerData } from 'node:worker_threads';
import { loadIpIntel } from '../enrich/ip-intel.ts';
import { frameRecords } from './frame-records.ts';
import type { WorkUnit } from './plan-work.ts';
import { countLinesBefore, openSourceFile } from './read-source.ts';
import { createRecordProcessor } from './record-processor.ts';
import type { WorkerCommand, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('import-worker must run as a worker thread');
const setup = workerData.setup as WorkerSetup;
const post = (m: WorkerMessage) => port.postMessage(m);
const fail = (err: unknown) => post({ type: 'error', message: (err as Error).stack ?? String(err) });

// Batches handed over and not yet written: enough for the writer's next transaction while one
// commits. More would only hold memory; fewer would leave the writer idle while this thread parses.
let inFlight = 0;
let wake: (() => void) | null = null;
const room = async () => {
  while (inFlight >= setup.maxInFlight) await new Promise<void>((r) => (wake = r));
};

try {
  const intel = setup.enrich ? await loadIpIntel() : null;
  let bytes = 0;
  const processor = createRecordProcessor({
    tenantId: setup.tenantId,
    intel,
    batchSize: setup.batchSize,
    emit(batch, counts, formats) {
      inFlight++;
      post({ type: 'batch', batch, counts, formats, bytes });
      bytes = 0;
    },
  });

  const runUnit = async (unit: WorkUnit) => {
    processor.setSource(unit.path);
    post({ type: 'unit', path: unit.path });
    try {
      const ranged = unit.start > 0 || unit.end !== null;
      const lineOffset = unit.start > 0 ? await countLinesBefore(unit.path, unit.start) : 0;
      const stream = await openSourceFile(unit.path, (n) => (bytes += n), ranged ? unit : undefined);
      await frameRecords(stream, processor.sink, {
        maxRecordBytes: setup.maxRecordBytes,
        maxDocumentBytes: setup.maxDocumentBytes,
        lineOffset,
        knownLines: unit.start > 0,
        afterChunk: room,
      });
    } catch (err) {
      processor.sink.bad(`unreadable: ${(err as Error).message}`, null, null, '');
    }
    processor.flush();
    await room();
  };

  port.on('message', (m: WorkerCommand) => {
    if (m.type === 'written') {
      inFlight--;
      wake?.();
      wake = null;
    } else if (m.type === 'unit') {
      runUnit(m.unit).then(() => post({ type: 'idle' }), fail);
    } else {
      port.close();
    }
  });
  post({ type: 'ready' });
} catch (err) {
  fail(err);
}
