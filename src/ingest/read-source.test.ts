import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { openSourceFile } from './read-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const text = `${Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: i })).join('\n')}\n`;

for (const [name, data] of [
  ['PT1H.json', Buffer.from(text)],
  ['PT1H.json.gz', gzipSync(text)],
] as const) {
  test(`${name}: nothing is lost when reading starts late, and every byte is counted`, async () => {
    const path = join(dir, name);
    writeFileSync(path, data);
    let counted = 0;
    const stream = await openSourceFile(path, (n) => (counted += n));
    // The consumer is busy elsewhere first (loading IP data, say): the file must wait for it.
    await sleep(100);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), text);
    assert.equal(counted, data.length);
  });
}

test('a missing file fails the read with its error', async () => {
  const stream = await openSourceFile(join(dir, 'PT1H.json'), () => {}).catch((e) => e);
  assert.ok(!(stream instanceof Error));
  // Read to the end here: left unread, it would open its file after this file's cleanup removed it.
  let bytes = 0;
  for await (const c of stream) bytes += (c as Buffer).length;
  assert.equal(bytes, text.length);
  await assert.rejects(async () => {
    for await (const _ of await openSourceFile(join(dir, 'gone.json'), () => {})) {
      // unreachable
    }
  }, /ENOENT/);
});
