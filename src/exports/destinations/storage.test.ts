import assert from 'node:assert/strict';
import { appendFileSync, type Dirent, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import { createTestStore } from '../../../test/support/dialects.ts';
import { importFiles } from '../../ingest/pipeline.ts';
import type { ExportCategory, ExportEnvelope, ExportRecord } from '../destination.ts';
import { storageBlobPath, storageDestination } from './storage.ts';

type Json = Record<string, unknown>;

const TENANT_A = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const TENANT_B = '0b8e3d51-7a2c-4f96-b1d4-e5c2a9f73e08';

const signIns = (loadFormatFixture('storage-pt1h-service-principal-sign-ins.json').items as Json[])
  .filter((r) => r.category === 'ServicePrincipalSignInLogs')
  .map((r) => r.properties as Json);
const audits = loadFormatFixture('graph-directory-audits.json').items as Json[];

let nextId = 1;
function record(
  category: ExportCategory,
  tenantId: string,
  time: string,
  operationName: string,
  properties: Json,
  extra: Partial<ExportEnvelope> = {},
): ExportRecord {
  const id = `${category}:${String(nextId++).padStart(6, '0')}`;
  const envelope: ExportEnvelope = {
    time,
    resourceId: `/tenants/${tenantId}/providers/Microsoft.aadiam`,
    operationName,
    operationVersion: '1.0',
    category,
    tenantId,
    ...extra,
    recordId: id,
    properties,
  };
  return { id, category, tenantId, time, envelope };
}

/** A service principal sign-in of the fixture, in a tenant, optionally moved to another time. */
function signIn(index: number, tenantId: string, time?: string): ExportRecord {
  const p = structuredClone(signIns[index]!);
  if (time) p.createdDateTime = time;
  return record('ServicePrincipalSignInLogs', tenantId, String(p.createdDateTime), 'Sign-in activity', p, {
    resultType: '0',
    resultSignature: 'None',
    durationMs: 0,
    callerIpAddress: String(p.ipAddress),
    correlationId: String(p.correlationId),
    level: '4',
  });
}

function audit(index: number, tenantId: string): ExportRecord {
  const p = structuredClone(audits[index]!);
  return record('AuditLogs', tenantId, String(p.activityDateTime), String(p.activityDisplayName), p, {
    resultSignature: 'None',
    durationMs: 0,
    correlationId: String(p.correlationId),
    level: '4',
  });
}

function riskDetection(tenantId: string): ExportRecord {
  return record(
    'ServicePrincipalRiskEvents',
    tenantId,
    '2025-03-12T11:20:00.000Z',
    'Service principal risk detection',
    {
      id: '5b0c8e3f1a7d4c2e9b6f0a3d8c1e7b4f2a9d6c0e3b8f1a5d7c2e',
      riskEventType: 'suspiciousSignins',
      riskState: 'atRisk',
      riskLevel: 'medium',
      riskDetail: 'none',
      servicePrincipalId: 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
      appId: '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35',
      keyIds: ['c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48'],
      additionalInfo: '[{"Key":"unfamiliarProperties","Value":"asn"}]',
    },
  );
}

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, -1);

const importConfig = {
  defaultTenantId: TENANT_A,
  ingestBatchSize: 1000,
  maxRecordBytes: 256 * 1024,
  bodyLimitBytes: 64 * 1024 * 1024,
  ingestWorkers: false,
};

describe('storage destination', () => {
  test('files records as Azure names hourly blobs, one envelope per line, and Vigil imports them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    const t = await createTestStore('sqlite');
    try {
      const first = [
        signIn(0, TENANT_A),
        signIn(1, TENANT_A), // its time carries "+00:00" rather than "Z"
        signIn(2, TENANT_B),
        audit(0, TENANT_A),
        audit(2, TENANT_B),
      ];
      const second = [
        signIn(3, TENANT_A, '2025-03-11T15:26:09.1184420Z'),
        audit(1, TENANT_A),
        audit(3, TENANT_A),
        audit(4, TENANT_A),
        riskDetection(TENANT_A),
      ];
      const destination = storageDestination.create(
        { path: join(dir, 'export') },
        { settingName: 'to-storage' },
      );
      await destination.send(first);
      await destination.send(second);
      await destination.close();

      const root = join(dir, 'export');
      const sp = 'insights-logs-serviceprincipalsigninlogs';
      const au = 'insights-logs-auditlogs';
      const day = (d: string, h: string) => `y=2025/m=03/d=${d}/h=${h}/m=00/PT1H.json`;
      const expected = {
        [`${sp}/tenantId=${TENANT_A}/${day('11', '14')}`]: [first[0], first[1]],
        [`${sp}/tenantId=${TENANT_A}/${day('11', '15')}`]: [second[0]],
        [`${sp}/tenantId=${TENANT_B}/${day('11', '14')}`]: [first[2]],
        [`${au}/tenantId=${TENANT_A}/${day('12', '09')}`]: [first[3], second[1], second[2]],
        [`${au}/tenantId=${TENANT_A}/${day('12', '10')}`]: [second[3]],
        [`${au}/tenantId=${TENANT_B}/${day('12', '09')}`]: [first[4]],
        [`insights-logs-serviceprincipalriskevents/tenantId=${TENANT_A}/${day('12', '11')}`]: [second[4]],
      };
      assert.deepEqual(filesUnder(root), Object.keys(expected).sort());
      for (const [path, records] of Object.entries(expected)) {
        const lines = linesOf(join(root, path));
        assert.deepEqual(
          lines.map((l) => JSON.parse(l)),
          records.map((r) => r!.envelope),
          path,
        );
        for (const [i, line] of lines.entries()) assert.equal(line, JSON.stringify(records[i]!.envelope));
      }

      const result = await importFiles([root], { store: t.store, config: importConfig, enrich: false });
      assert.equal(result.files, 7);
      assert.equal(result.read, 10);
      assert.equal(result.stored, 9, 'four sign-ins and five audit events');
      assert.equal(result.skipped, 1, 'risk events are not an input of the import');
      assert.equal(result.quarantined, 0);
      const stored = async (table: 'sign_ins' | 'directory_audits') =>
        (await t.store.db.selectFrom(table).select(['tenant_id', 'id']).orderBy('id').execute()).map(
          (r) => `${r.tenant_id === TENANT_A ? 'A' : 'B'}:${r.id}`,
        );
      assert.deepEqual(
        await stored('sign_ins'),
        [`A:${signIns[0]!.id}`, `A:${signIns[1]!.id}`, `B:${signIns[2]!.id}`, `A:${signIns[3]!.id}`].sort(
          (a, b) => a.slice(2).localeCompare(b.slice(2)),
        ),
      );
      assert.deepEqual(
        await stored('directory_audits'),
        [
          `A:${audits[0]!.id}`,
          `A:${audits[1]!.id}`,
          `B:${audits[2]!.id}`,
          `A:${audits[3]!.id}`,
          `A:${audits[4]!.id}`,
        ].sort((a, b) => a.slice(2).localeCompare(b.slice(2))),
      );
    } finally {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a retried batch appends again (at least once) and the import stores each record once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    const t = await createTestStore('sqlite');
    try {
      const batch = [signIn(0, TENANT_A), signIn(1, TENANT_A), audit(0, TENANT_A)];
      const destination = storageDestination.create({ path: dir }, { settingName: 'retry' });
      await destination.send(batch);
      await destination.send(batch);
      await destination.close();
      const file = join(dir, storageBlobPath(batch[0]!));
      assert.deepEqual(
        linesOf(file).map((l) => (JSON.parse(l) as ExportEnvelope).recordId),
        [batch[0]!.id, batch[1]!.id, batch[0]!.id, batch[1]!.id],
      );
      const result = await importFiles([dir], { store: t.store, config: importConfig, enrich: false });
      assert.equal(result.read, 6);
      assert.equal(result.stored, 3);
      assert.equal(result.duplicates, 3);
    } finally {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a line torn by a crash costs only itself: the next append starts on a fresh line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const before = signIn(0, TENANT_A);
      const after = signIn(1, TENANT_A);
      const file = join(dir, storageBlobPath(before));
      let destination = storageDestination.create({ path: dir }, { settingName: 'torn' });
      await destination.send([before]);
      await destination.close();
      const torn = JSON.stringify(signIn(2, TENANT_A).envelope).slice(0, 120);
      appendFileSync(file, torn);

      destination = storageDestination.create({ path: dir }, { settingName: 'torn' });
      await destination.send([after]);
      await destination.close();
      assert.deepEqual(linesOf(file), [
        JSON.stringify(before.envelope),
        torn,
        JSON.stringify(after.envelope),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('keeps a bounded number of files open and still appends in order across many hours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const destination = storageDestination.create({ path: dir }, { settingName: 'hours' });
      const hours = Array.from({ length: 40 }, (_, h) => {
        const time = new Date(Date.UTC(2025, 2, 11, h, 30)).toISOString();
        return [signIn(0, TENANT_A, time), signIn(1, TENANT_A, time)];
      });
      await destination.send(hours.map((pair) => pair[0]!));
      await destination.send(hours.map((pair) => pair[1]!));
      await destination.close();
      assert.equal(filesUnder(dir).length, 40);
      for (const pair of hours) {
        assert.deepEqual(
          linesOf(join(dir, storageBlobPath(pair[0]!))).map(
            (l) => (JSON.parse(l) as ExportEnvelope).recordId,
          ),
          [pair[0]!.id, pair[1]!.id],
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a record it cannot file, before writing anything of the batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-storage-'));
    try {
      const destination = storageDestination.create({ path: dir }, { settingName: 'bad' });
      const good = signIn(0, TENANT_A);
      const badTime = { ...signIn(1, TENANT_A), time: 'yesterday' };
      const badTenant = { ...signIn(1, TENANT_A), tenantId: '../../etc' };
      await assert.rejects(destination.send([good, badTime]), /time "yesterday" is not a date/);
      await assert.rejects(destination.send([good, badTenant]), /cannot name a folder/);
      assert.deepEqual(filesUnder(dir), []);
      await destination.close();
      await assert.rejects(destination.send([good]), /closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('settings: a path is required, unknown properties are refused, nothing to redact', () => {
    assert.deepEqual(storageDestination.parse({ path: '/var/lib/vigil/export' }, 'destinations[0]'), {
      settings: { path: '/var/lib/vigil/export' },
    });
    assert.deepEqual(storageDestination.parse({}, 'destinations[0]'), {
      error: { field: 'destinations[0].path', message: 'is required' },
    });
    assert.deepEqual(storageDestination.parse({ path: ' ' }, 'destinations[2]'), {
      error: { field: 'destinations[2].path', message: 'must be a directory path' },
    });
    assert.deepEqual(storageDestination.parse({ path: 42 }, 'destinations[0]'), {
      error: { field: 'destinations[0].path', message: 'must be a string, not a number' },
    });
    assert.deepEqual(storageDestination.parse({ path: 'x', container: 'logs' }, 'destinations[1]'), {
      error: { field: 'destinations[1].container', message: 'unknown property (known: path)' },
    });
    assert.deepEqual(storageDestination.redact({ path: 'export' }), { path: 'export' });
    const destination = storageDestination.create({ path: '/var/lib/vigil/export' }, { settingName: 's' });
    assert.equal(destination.label, 'storage:/var/lib/vigil/export');
    assert.ok(destination.maxBatch > 0);
  });
});
