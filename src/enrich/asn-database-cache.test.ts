import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadAsnDatabaseCached } from './asn-database-cache.ts';
import { defaultDataPaths } from './default-data-paths.ts';
import { findIpv4 } from './range-table.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'vigil-asn-cache-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));
const { asnDataDir } = defaultDataPaths();

function asnOf(
  db: Awaited<ReturnType<typeof loadAsnDatabaseCached>>,
  a: number,
  b: number,
  c: number,
  d: number,
) {
  const record = findIpv4(db.ipv4, ((a << 24) | (b << 16) | (c << 8) | d) >>> 0);
  return record < 0 ? null : { asn: db.asns[record], org: db.orgs[record] };
}

test('the cached tables answer exactly as the freshly parsed ones, and a damaged cache is rebuilt', async () => {
  const fresh = await loadAsnDatabaseCached(asnDataDir, null);
  const built = await loadAsnDatabaseCached(asnDataDir, cacheDir);
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1, 'one cache file, no leftovers');
  const cached = await loadAsnDatabaseCached(asnDataDir, cacheDir);
  for (const db of [built, cached]) {
    assert.equal(db.ipv4.count, fresh.ipv4.count);
    assert.equal(db.ipv6.count, fresh.ipv6.count);
    assert.deepEqual(asnOf(db, 8, 8, 8, 8), asnOf(fresh, 8, 8, 8, 8));
    assert.equal(asnOf(db, 20, 190, 128, 1)?.asn, 8075);
  }
  writeFileSync(join(cacheDir, files[0]!), 'not a cache');
  const rebuilt = await loadAsnDatabaseCached(asnDataDir, cacheDir);
  assert.equal(asnOf(rebuilt, 20, 190, 128, 1)?.asn, 8075);
  const again = await loadAsnDatabaseCached(asnDataDir, cacheDir);
  assert.equal(again.ipv4.count, fresh.ipv4.count);
});

test('a cache directory that cannot be written is not needed', async () => {
  const blocked = join(cacheDir, 'file-not-dir');
  writeFileSync(blocked, '');
  const db = await loadAsnDatabaseCached(asnDataDir, join(blocked, 'sub'));
  assert.equal(asnOf(db, 20, 190, 128, 1)?.asn, 8075);
});
