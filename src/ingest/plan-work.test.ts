import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { planWork } from './plan-work.ts';
import { countLinesBefore } from './read-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ndjson(lines: number): string {
  let text = '';
  for (let i = 1; i <= lines; i++) text += `${JSON.stringify({ id: `r${i}`, pad: 'x'.repeat(i % 97) })}\n`;
  return text;
}

test('a large NDJSON file is cut at line starts into ranges that cover it exactly', async () => {
  const path = join(dir, 'PT1H.json');
  const text = ndjson(5000);
  writeFileSync(path, text);
  const size = Buffer.byteLength(text);
  const units = await planWork([{ path, size }], 3, 10_000, 1024);
  assert.equal(units.length, 3);
  assert.equal(units[0]?.start, 0);
  let covered = 0;
  const bytes = readFileSync(path);
  for (const [i, u] of units.entries()) {
    const end = u.end ?? size;
    assert.equal(u.size, end - u.start);
    if (u.start > 0) assert.equal(bytes[u.start - 1], 10, `range ${i} starts right after a newline`);
    covered += u.size;
    // The line number a range continues from is the count of lines before it.
    const before = await countLinesBefore(path, u.start);
    const firstLine = bytes.subarray(u.start, bytes.indexOf(10, u.start)).toString();
    assert.equal(JSON.parse(firstLine).id, `r${before + 1}`);
  }
  assert.equal(covered, size);
  assert.equal(units.at(-1)?.end, null, 'the last range reads to the end, even if the file grows');
});

test('gzip files, single JSON documents and small files stay whole', async () => {
  const gz = join(dir, 'PT1H.json.gz');
  writeFileSync(gz, gzipSync(ndjson(5000)));
  const doc = join(dir, 'page.json');
  writeFileSync(doc, JSON.stringify({ value: Array.from({ length: 3000 }, (_, i) => ({ id: i })) }, null, 2));
  const small = join(dir, 'small.json');
  writeFileSync(small, ndjson(3));
  const files = [gz, doc, small].map((path) => ({ path, size: readFileSync(path).length }));
  const units = await planWork(files, 4, 10_000, 1024);
  assert.deepEqual(
    units.map((u) => [u.path, u.start, u.end]),
    files.map((f) => [f.path, 0, null]),
  );
});
