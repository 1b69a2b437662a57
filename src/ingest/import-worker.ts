// An import worker: reads its share of the input, parses, normalises, enriches and writes it to
// the store itself. Each worker does the whole path, so two workers keep both cores busy and no
// record is copied between threads (a structured clone costs about as much as parsing it again).
import { parentPort, workerData } from 'node:worker_threads';
import { loadIpIntel } from '../enrich/ip-intel.ts';
import { openStore } from '../store/open-store.ts';
import { createIngestQueries, type IngestWriteResult } from '../store/queries/ingest-queries.ts';
import { createBatchWriter } from './batch-writer.ts';
import { frameRecords } from './frame-records.ts';
import type { WorkUnit } from './plan-work.ts';
import { countLinesBefore, openSourceFile } from './read-source.ts';
import { createRecordProcessor } from './record-processor.ts';
import type { WorkerCommand, WorkerMessage, WorkerSetup } from './worker-protocol.ts';
import { withWriteLock } from './write-lock.ts';

const port = parentPort;
if (port === null) throw new Error('import-worker must run as a worker thread');
const setup = workerData.setup as WorkerSetup;
const post = (m: WorkerMessage) => port.postMessage(m);

const fail = (err: unknown) => post({ type: 'error', message: (err as Error).stack ?? String(err) });

try {
  const [intel, store] = await Promise.all([
    setup.enrich ? loadIpIntel() : Promise.resolve(null),
    setup.handOff
      ? Promise.resolve(null)
      : openStore({ databaseUrl: setup.databaseUrl, databaseSchema: setup.databaseSchema, migrate: false }),
  ]);
  const lock = setup.writeLock ? new Int32Array(setup.writeLock) : null;
  let bytes = 0;
  const pendingAcks: ((r: IngestWriteResult) => void)[] = [];
  port.on('message', (m: WorkerCommand) => {
    if (m.type === 'written') pendingAcks.shift()?.(m.result);
  });
  const local = store ? createIngestQueries(store) : null;
  const writer = createBatchWriter(
    {
      writeBatch: (b, now) => {
        if (local) return withWriteLock(lock, () => local.writeBatch(b, now));
        return new Promise<IngestWriteResult>((resolve) => {
          pendingAcks.push(resolve);
          post({ type: 'write', batch: b });
        });
      },
    },
    () => new Date().toISOString(),
    (counts, formats) => {
      post({ type: 'committed', counts, formats, bytes });
      bytes = 0;
    },
  );
  const processor = createRecordProcessor({
    tenantId: setup.tenantId,
    intel,
    batchSize: setup.batchSize,
    emit(batch, counts, formats) {
      // A failed write surfaces from drain() below; this catch only keeps it from going unhandled.
      writer.enqueue(batch, counts, formats).catch(() => {});
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
        afterChunk: async () => {
          // Parse the next batch while one is being written, but never run further ahead.
          if (writer.pending > 1) await writer.drain();
        },
      });
    } catch (err) {
      processor.sink.bad(`unreadable: ${(err as Error).message}`, null, null, '');
    }
    processor.flush();
    await writer.drain();
  };

  port.on('message', (m: WorkerCommand) => {
    if (m.type === 'unit') {
      runUnit(m.unit).then(() => post({ type: 'idle' }), fail);
    } else if (m.type === 'stop') {
      (store ? store.close() : Promise.resolve()).then(() => port.close(), fail);
    }
  });
  post({ type: 'ready' });
} catch (err) {
  fail(err);
}
