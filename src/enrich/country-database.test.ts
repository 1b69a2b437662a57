import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { type CountryResponse, Reader } from 'maxmind';
import { type CountryDatabase, openCountryDatabase } from './country-database.ts';
import { defaultDataPaths } from './default-data-paths.ts';

type Country = CountryResponse & { country_code?: string };

describe('openCountryDatabase', () => {
  let db: CountryDatabase;
  let reader: Reader<Country>;
  const path = defaultDataPaths().countryMmdbPath;

  before(async () => {
    db = await openCountryDatabase(path);
    reader = new Reader<Country>(await readFile(path));
  });

  it('answers known addresses', () => {
    assert.equal(db.ipv4(0x08080808), 'US'); // 8.8.8.8
    assert.equal(db.ipv4((79 * 2 ** 24 + 192 * 2 ** 16 + 1) >>> 0), 'DE'); // 79.192.0.1
    assert.equal(db.ipv6(0x20014860, 0x48600000, 0, 0x8888), 'US');
    assert.equal(db.ipv4(0x0a000001), null); // 10.0.0.1 has no record
  });

  it("agrees with maxmind's Reader on random IPv4 and IPv6 addresses", () => {
    let state = 2024;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    for (let i = 0; i < 20_000; i++) {
      const a = (next() ^ (next() << 16)) >>> 0;
      const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
      assert.equal(db.ipv4(a), reader.get(text)?.country_code ?? null, text);
    }
    // Both sides of /16 boundaries, where flattened ranges start and end.
    for (let prefix = 1; prefix < 65536; prefix += 5) {
      for (const a of [prefix * 65536 - 1, prefix * 65536]) {
        const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
        assert.equal(db.ipv4(a), reader.get(text)?.country_code ?? null, text);
      }
    }
    for (let i = 0; i < 5_000; i++) {
      // Mostly inside 2000::/3, where the allocations are.
      const w = [((next() & 0x1fffffff) | 0x20000000) >>> 0, next(), next(), next()] as const;
      const text = w.map((x) => `${(x >>> 16).toString(16)}:${(x & 0xffff).toString(16)}`).join(':');
      assert.equal(db.ipv6(w[0], w[1], w[2], w[3]), reader.get(text)?.country_code ?? null, text);
    }
    // Decoded records are bounded by the database (a few hundred), not by the traffic.
    assert.ok(db.decodedRecords < 2000, `${db.decodedRecords}`);
  });
});
