import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameRecords } from './frame-records.ts';

interface Seen {
  items: { value: unknown; line: number | null; path: string | null }[];
  bad: { reason: string; line: number | null; text: string }[];
}

async function frame(chunks: string[], maxRecordBytes = 10_000): Promise<Seen> {
  const seen: Seen = { items: [], bad: [] };
  async function* gen() {
    for (const c of chunks) yield Buffer.from(c);
  }
  await frameRecords(
    gen(),
    {
      item: (value, line, path) => seen.items.push({ value, line, path }),
      bad: (reason, line, _path, text) => seen.bad.push({ reason, line, text }),
    },
    { maxRecordBytes, maxDocumentBytes: 1_000_000 },
  );
  return seen;
}

test('NDJSON split across chunks keeps line numbers, and a broken line loses only itself', async () => {
  const text = '{"id":"a"}\n{"id":"b"}\n{"id":"c",\n\n{"id":"d"}\n';
  const seen = await frame([text.slice(0, 7), text.slice(7, 25), text.slice(25)]);
  assert.deepEqual(
    seen.items.map((i) => [(i.value as { id: string }).id, i.line]),
    [
      ['a', 1],
      ['b', 2],
      ['d', 5],
    ],
  );
  assert.equal(seen.bad.length, 1);
  assert.equal(seen.bad[0]?.line, 3);
  assert.match(seen.bad[0]?.reason ?? '', /^invalid JSON/);
});

test('a pretty-printed Event Hub message is one document whose records are framed one by one', async () => {
  const doc = JSON.stringify({ records: [{ id: 'r1' }, { id: 'r2' }] }, null, 2);
  const seen = await frame([doc]);
  assert.deepEqual(
    seen.items.map((i) => i.path),
    ['records[0]', 'records[1]'],
  );
});

test('a Graph page and a plain array are unwrapped; one envelope per line works too', async () => {
  const page = JSON.stringify({ '@odata.context': 'x', value: [{ id: 'g1' }], '@odata.nextLink': 'y' });
  const seen = await frame([`${page}\n${JSON.stringify([{ id: 'x1' }, { id: 'x2' }])}\n`]);
  assert.deepEqual(
    seen.items.map((i) => [i.line, i.path]),
    [
      [1, 'value[0]'],
      [2, '[0]'],
      [2, '[1]'],
    ],
  );
});

test('an oversized line is quarantined without holding it, and the next line still reads', async () => {
  const huge = `{"id":"${'x'.repeat(50_000)}"}`;
  const seen = await frame(
    [`{"id":"a"}\n${huge.slice(0, 20_000)}`, huge.slice(20_000), '\n{"id":"b"}\n'],
    1_000,
  );
  assert.deepEqual(
    seen.items.map((i) => (i.value as { id: string }).id),
    ['a', 'b'],
  );
  assert.equal(seen.bad.length, 1);
  assert.equal(seen.bad[0]?.line, 2);
  assert.match(seen.bad[0]?.reason ?? '', /record too large: 50009 characters/);
  assert.ok((seen.bad[0]?.text.length ?? 0) < 1_000);
});

test('a file whose first line is broken is still read line by line', async () => {
  const seen = await frame(['{"id":"a",\n{"id":"b"}\n{"id":"c"}\n']);
  assert.deepEqual(
    seen.items.map((i) => [(i.value as { id: string }).id, i.line]),
    [
      ['b', 2],
      ['c', 3],
    ],
  );
  assert.equal(seen.bad[0]?.line, 1);
});

test('a byte-order mark, CRLF line ends and a last line without newline are handled', async () => {
  const seen = await frame(['\ufeff{"id":"a"}\r\n{"id":"b"}']);
  assert.deepEqual(
    seen.items.map((i) => (i.value as { id: string }).id),
    ['a', 'b'],
  );
  assert.equal(seen.bad.length, 0);
});

test('multi-byte characters split across chunks are decoded intact', async () => {
  const line = Buffer.from('{"activity":"Update application – Certificates and secrets management "}\n');
  const cut = line.indexOf(0xe2) + 1;
  const seen: Seen = { items: [], bad: [] };
  async function* gen() {
    yield line.subarray(0, cut);
    yield line.subarray(cut);
  }
  await frameRecords(
    gen(),
    {
      item: (value, l, p) => seen.items.push({ value, line: l, path: p }),
      bad: () => assert.fail('no bad records'),
    },
    { maxRecordBytes: 10_000, maxDocumentBytes: 1_000_000 },
  );
  assert.equal(
    (seen.items[0]!.value as { activity: string }).activity,
    'Update application – Certificates and secrets management ',
  );
});
