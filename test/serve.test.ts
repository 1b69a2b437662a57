import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createTestStore } from './support/dialects.ts';
import { collect, startVigil } from './support/run-vigil.ts';

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

test('vigil serve: never open, healthy, takes pushes, and shuts down cleanly on SIGTERM', async () => {
  const t = await createTestStore('sqlite');
  const port = await freePort();
  const model = createTenantModel({ seed: 3, principals: 4, managedIdentities: 1 });
  const child = startVigil(['serve', '--port', String(port)], { ...t.env, VIGIL_TENANT_ID: model.tenantId });
  const done = collect(child);
  try {
    // The first start mints an administrator key and prints it once.
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const base = `http://127.0.0.1:${port}`;
    // Started from the sources, on a busy machine, the server may take a while to listen: wait as long
    // as it keeps running (up to two minutes), not a fixed few seconds.
    let healthy = false;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 120_000;
    while (!healthy && !exited && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      healthy = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    }
    assert.ok(healthy, `GET /healthz answers 200${exited ? ' (the server exited first)' : ''}`);
    const key = /\b(vigil_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(stderr)?.[1];
    assert.ok(key, `an administrator key is printed on first start: ${stderr}`);

    const anon = await fetch(`${base}/ingest/entra`, { method: 'POST', body: '{}' });
    assert.equal(anon.status, 401);

    const rnd = createRandom(1);
    const body = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify(makeSignInRecord(model, rnd, new Date(Date.UTC(2026, 10, 20, 9, i)))),
    ).join('\n');
    const push = await fetch(`${base}/ingest/entra`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    assert.equal(push.status, 200);
    const counts = (await push.json()) as { stored: number; read: number };
    assert.deepEqual([counts.read, counts.stored], [25, 25]);

    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    assert.match(await metrics.text(), /vigil_ingest_records_total\{outcome="stored"\} 25/);

    child.kill('SIGTERM');
    const exit = await done;
    assert.equal(exit.code, 0, exit.stderr);
  } finally {
    child.kill('SIGKILL');
    await t.cleanup();
  }
});
