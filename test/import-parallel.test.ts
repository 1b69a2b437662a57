import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importFiles } from '../src/ingest/pipeline.ts';
import { generateSignInLines } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createLogQueries } from '../src/store/queries/log-queries.ts';
import { createQuarantineQueries } from '../src/store/queries/quarantine-queries.ts';
import { createTestStore } from './support/dialects.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-parallel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file split between parse workers stores every record once and quarantines by the right line', async () => {
  const model = createTenantModel({ seed: 21, principals: 20, managedIdentities: 4 });
  const lines = [
    ...generateSignInLines(model, {
      seed: 21,
      count: 3000,
      start: new Date('2026-11-01T00:00:00Z'),
      days: 1,
    }),
  ];
  // Break one line in the last third, which a later worker reads from the middle of the file.
  const broken = 2500;
  lines[broken - 1] = `${lines[broken - 1]!.slice(0, 200)}\n`;
  const path = join(dir, 'PT1H.json');
  writeFileSync(path, lines.join(''));

  const t = await createTestStore('sqlite');
  try {
    const result = await importFiles(
      [path],
      {
        store: t.store,
        enrich: false,
        config: {
          defaultTenantId: model.tenantId,
          ingestBatchSize: 700,
          maxRecordBytes: 256 * 1024,
          bodyLimitBytes: 64 * 1024 * 1024,
          ingestWorkers: true,
        },
      },
      { workers: 3, splitMinBytes: 64 * 1024 },
    );
    assert.deepEqual([result.read, result.stored, result.quarantined], [3000, 2999, 1]);
    assert.equal(await createLogQueries(t.store).countSignIns(model.tenantId), 2999);
    const [entry] = await createQuarantineQueries(t.store).list({ limit: 5 });
    assert.equal(entry?.line, broken);
    assert.equal(entry?.source, path);
  } finally {
    await t.cleanup();
  }
});
