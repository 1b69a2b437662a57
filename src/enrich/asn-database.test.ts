import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ASN_CSV_FILES, AsRecordSet, loadAsnDatabase, parseAsnCsv } from './asn-database.ts';
import { findIpv4, findIpv6 } from './range-table.ts';

const ip4 = (text: string) => text.split('.').reduce((value, part) => value * 256 + Number(part), 0);

describe('parseAsnCsv', () => {
  it('reads quoted organisations with commas and doubled quotes, CRLF and a missing final newline', () => {
    const csv = [
      '16777216,16777471,13335,"Cloudflare, Inc."',
      '35309568,35313663,201907,"LLC ""SPUTNIK"""',
      '1224736768,1241513983,7922,Comcast Cable Communications\r',
      '',
      '1337982976,1342177279,3320,Deutsche Telekom AG',
    ].join('\n');
    const records = new AsRecordSet();
    const table = parseAsnCsv(Buffer.from(csv), 1, records, 'test.csv');
    const { asns, orgs } = records.finish();
    const at = (address: string) => {
      const record = findIpv4(table, ip4(address));
      return record < 0 ? null : [asns[record], orgs[record]];
    };
    assert.equal(table.count, 4);
    assert.deepEqual(at('1.0.0.1'), [13335, 'Cloudflare, Inc.']);
    assert.deepEqual(at('2.26.200.1'), [201907, 'LLC "SPUTNIK"']);
    assert.deepEqual(at('73.0.0.1'), [7922, 'Comcast Cable Communications']);
    assert.deepEqual(at('79.255.255.255'), [3320, 'Deutsche Telekom AG']);
    assert.equal(at('1.0.1.0'), null);
  });

  it('reads 128-bit IPv6 bounds exactly, up to the largest address', () => {
    const csv = [
      // 2001:4860:: – 2001:4860:ffff:ffff:ffff:ffff:ffff:ffff
      '42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC',
      // the last address of the space, as one range
      '340282366920938463463374607431768211455,340282366920938463463374607431768211455,64512,Edge',
    ].join('\n');
    const records = new AsRecordSet();
    const table = parseAsnCsv(Buffer.from(csv), 4, records, 'test6.csv');
    const { asns } = records.finish();
    assert.deepEqual([...table.starts.subarray(0, 4)], [0x20014860, 0, 0, 0]);
    assert.deepEqual([...table.ends.subarray(0, 4)], [0x20014860, 0xffffffff, 0xffffffff, 0xffffffff]);
    assert.equal(asns[findIpv6(table, 0x20014860, 0x48600000, 0, 0x8888)], 15169);
    assert.equal(asns[findIpv6(table, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)], 64512);
  });

  it('names the line of malformed input', () => {
    const bad = ['1,2,3', '1,2,x,Org', '5,4,1,Backwards', '1,2,3,"unterminated', '1,2,3,Org\n,,,'];
    for (const csv of bad) {
      assert.throws(
        () => parseAsnCsv(Buffer.from(csv), 1, new AsRecordSet(), 'bad.csv'),
        /^Error: bad\.csv:\d/,
        csv,
      );
    }
    assert.throws(
      () =>
        parseAsnCsv(
          Buffer.from('340282366920938463463374607431768211456,1,1,Too big'),
          4,
          new AsRecordSet(),
          'x',
        ),
      /x:1/,
    );
    assert.throws(
      () => parseAsnCsv(Buffer.from('4294967296,4294967296,1,Too big'), 1, new AsRecordSet(), 'y'),
      /y:1/,
    );
  });
});

describe('AsRecordSet', () => {
  it('keeps one record per AS and organisation, and a second one when the name differs', () => {
    const records = new AsRecordSet();
    const a = records.intern(8075, 'Microsoft Corporation');
    assert.equal(records.intern(8075, 'Microsoft Corporation'), a);
    const b = records.intern(8068, 'Microsoft Corporation');
    const c = records.intern(8075, 'Microsoft Corp');
    assert.equal(records.intern(8075, 'Microsoft Corp'), c);
    assert.equal(new Set([a, b, c]).size, 3);
    const { asns, orgs } = records.finish();
    assert.deepEqual([...asns], [8075, 8068, 8075]);
    assert.deepEqual(orgs, ['Microsoft Corporation', 'Microsoft Corporation', 'Microsoft Corp']);
  });

  it('survives many ASes, including numbers above 2^31', () => {
    const records = new AsRecordSet();
    for (let i = 0; i < 20_000; i++) records.intern(4_294_967_294 - i * 3, `AS ${i}`);
    for (let i = 0; i < 20_000; i++) assert.equal(records.intern(4_294_967_294 - i * 3, `AS ${i}`), i);
    assert.equal(records.finish().asns.length, 20_000);
  });
});

describe('loadAsnDatabase', () => {
  it('reads both files of a data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-asn-'));
    try {
      await writeFile(join(dir, ASN_CSV_FILES.ipv4), '134744064,134744319,15169,Google LLC\n');
      await writeFile(
        join(dir, ASN_CSV_FILES.ipv6),
        '42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC\n',
      );
      const db = await loadAsnDatabase(dir);
      assert.equal(db.ipv4.count, 1);
      assert.equal(db.ipv6.count, 1);
      // Both families share the one record of AS15169.
      assert.deepEqual([...db.asns], [15169]);
      assert.deepEqual(db.orgs, ['Google LLC']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
