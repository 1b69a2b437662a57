import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createInventoryQueries } from '../src/store/queries/inventory-queries.ts';
import { createLogQueries } from '../src/store/queries/log-queries.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

const FIXTURES = new URL('./fixtures/formats/', import.meta.url);
const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';

// Sums of the table in fixtures/formats/README.md: every format and layout at once.
const EXPECTED = { read: 40, stored: 34, skipped: 4, quarantined: 2 };

/** A directory of real-shaped exports: every fixture, one of them gzip-compressed in a subfolder. */
function exportTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-exports-'));
  mkdirSync(join(dir, 'insights-logs-serviceprincipalsigninlogs', 'y=2025', 'm=03'), { recursive: true });
  for (const name of readdirSync(FIXTURES)) {
    if (!name.endsWith('.json') && !name.endsWith('.ndjson')) continue;
    const from = new URL(name, FIXTURES);
    if (name === 'storage-pt1h-service-principal-sign-ins.json') {
      // Named like a plain blob: gzip is recognised by its bytes, not its name.
      const to = join(dir, 'insights-logs-serviceprincipalsigninlogs', 'y=2025', 'm=03', 'PT1H.json');
      writeFileSync(to, gzipSync(readFileSync(from)));
    } else {
      copyFileSync(from, join(dir, name));
    }
  }
  // A directory of exports often holds other files too: they are left alone, not quarantined.
  writeFileSync(join(dir, 'README.md'), '# Exports for the audit\n\nPulled from the storage account.\n');
  return dir;
}

for (const dialect of dialects) {
  describe(`vigil import of every format on ${dialect}`, () => {
    let t: TestStore;
    let dir: string;
    before(async () => {
      t = await createTestStore(dialect);
      dir = exportTree();
    });
    after(async () => {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a directory of mixed exports imports with the right counts, and again stores nothing', async () => {
      const first = await runVigil(['import', '--json', '--tenant', TENANT, dir], t.env);
      assert.equal(first.code, 0, first.stderr);
      const a = JSON.parse(first.stdout);
      assert.deepEqual(
        {
          read: a.read,
          stored: a.stored,
          skipped: a.skipped,
          quarantined: a.quarantined,
          duplicates: a.duplicates,
        },
        { ...EXPECTED, duplicates: 0 },
      );
      assert.equal(a.files, 9);
      assert.deepEqual(a.ignored, [join(dir, 'README.md')]);

      const second = await runVigil(['import', '--json', '--tenant', TENANT, dir], t.env);
      const b = JSON.parse(second.stdout);
      assert.deepEqual([b.read, b.stored, b.duplicates, b.quarantined], [40, 0, EXPECTED.stored, 2]);
    });

    test('the broken line and the record without a principal are in quarantine with their line numbers', async () => {
      const list = await runVigil(['quarantine', 'list', '--json'], t.env);
      const entries = list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(entries.length, 2, 'importing the same bad file twice keeps one entry each');
      const byLine = new Map<number, { reason: string; source: string }>(
        entries.map((e: { line: number; reason: string; source: string }) => [e.line, e]),
      );
      assert.match(byLine.get(3)?.reason ?? '', /^invalid JSON/);
      assert.match(byLine.get(3)?.source ?? '', /storage-pt1h-with-errors\.json$/);
      assert.match(byLine.get(4)?.reason ?? '', /servicePrincipalId/);
      const human = await runVigil(['quarantine', 'list'], t.env);
      assert.match(human.stdout, /storage-pt1h-with-errors\.json line 3\n {2}reason: invalid JSON/);
    });

    test('what was stored reads back normalised', async () => {
      const logs = createLogQueries(t.store);
      const inventory = createInventoryQueries(t.store);
      // A managed identity sign-in with an empty address is kept, with no address and no location.
      const mi = await logs.getSignIn(TENANT, '0c7e2a94-6d1b-4f58-b3e9-8a4f1c6d2e07');
      assert.equal(mi?.kind, 'managedIdentity');
      assert.equal(mi?.ipAddress, null);
      assert.equal(mi?.country, null);
      // The en-dash, trailing-space activity added a secret, recorded with who added it.
      const creds = await inventory.credentialsOf(TENANT, '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38');
      const secret = creds.find((c) => c.keyId === 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70');
      assert.equal(secret?.type, 'password');
      assert.equal(secret?.addedBy, 'alice.wong@contoso.com');
      const audit = await logs.getAudit(
        TENANT,
        'Directory_a1e6c3f9-8d2b-4e75-b04a-7c9f2d5e1b38_0JXTN_91730254',
      );
      assert.equal(audit?.activity, 'Update application - Certificates and secrets management');
      assert.equal(audit?.activityDisplayName, 'Update application – Certificates and secrets management ');
      // Graph inventory carries no tenant: it went to the tenant named by --tenant.
      const principals = await inventory.listPrincipals(TENANT);
      assert.ok(principals.some((p) => p.source === 'inventory'));
      // Sign-ins carry their network facts.
      const withIp = (await logs.signInsOf(TENANT, 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93')).filter(
        (s) => s.ipAddress,
      );
      assert.ok(withIp.length > 0);
      for (const s of withIp) {
        assert.equal(typeof s.asn, 'number', `ASN of ${s.ipAddress}`);
        assert.equal(typeof s.hosting, 'boolean', `hosting of ${s.ipAddress}`);
      }
    });

    test('standard input, gzip-compressed, imports like a file', async () => {
      const gz = gzipSync(readFileSync(new URL('storage-pt1h-with-errors.json', FIXTURES)));
      const run = await runVigil(['import', '--json', '-'], t.env, gz);
      assert.equal(run.code, 0, run.stderr);
      const s = JSON.parse(run.stdout);
      // Same records as the file imported above: nothing new, the same two rejected.
      assert.deepEqual([s.read, s.stored, s.duplicates, s.quarantined], [5, 0, 3, 2]);
    });
  });
}

test('a path that does not exist is reported and fails the command, the rest still imports', async () => {
  const t = await createTestStore('sqlite');
  try {
    const run = await runVigil(
      ['import', '--json', '/nonexistent/PT1H.json', new URL('graph-sign-ins-page.json', FIXTURES).pathname],
      t.env,
    );
    assert.equal(run.code, 1);
    const s = JSON.parse(run.stdout);
    assert.deepEqual(s.missing, ['/nonexistent/PT1H.json']);
    assert.equal(s.stored, 4);
  } finally {
    await t.cleanup();
  }
});
