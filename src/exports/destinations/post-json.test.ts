import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import {
  DeliveryError,
  endpointOf,
  MAX_RESPONSE_BYTES,
  messageOfBody,
  post,
  postJson,
  splitBySize,
} from './post-json.ts';

async function serve(t: TestContext, listener: RequestListener): Promise<URL> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest?code=k3y`);
}

describe('splitBySize', () => {
  test('groups texts in order, each group with its framing within the bound', () => {
    const texts = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40), 'd'.repeat(10)];
    // 2 bytes of framing + 40 + 1 + 40 = 83 fits in 90; a third text would not.
    assert.deepEqual(splitBySize(texts, 90, 2), [
      [texts[0], texts[1]],
      [texts[2], texts[3]],
    ]);
    for (const group of splitBySize(texts, 90, 2)) {
      assert.ok(Buffer.byteLength(`[${group.join(',')}]`) <= 90);
    }
  });

  test('counts bytes, not characters, and lets a text larger than the bound go alone', () => {
    assert.deepEqual(splitBySize(['é'.repeat(30), 'x'], 60), [['é'.repeat(30)], ['x']]);
    assert.deepEqual(splitBySize(['y'.repeat(100), 'z'], 50), [['y'.repeat(100)], ['z']]);
    assert.deepEqual(splitBySize([], 50), []);
  });
});

describe('messageOfBody', () => {
  test("reads each service's error shape", () => {
    assert.equal(messageOfBody('{"text":"Invalid token","code":4}'), 'Invalid token (code 4)');
    assert.equal(
      messageOfBody('{"error":{"code":"InvalidStream","message":"Stream Custom-X is not declared."}}'),
      'InvalidStream: Stream Custom-X is not declared.',
    );
    assert.equal(
      messageOfBody(
        '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\\r\\nTrace ID: 1"}',
      ),
      'AADSTS7000215: Invalid client secret.',
    );
    assert.equal(messageOfBody('{"error":"signature mismatch"}'), 'signature mismatch');
    assert.equal(messageOfBody('<html>\n<body>Bad Gateway</body>'), '<html>');
    assert.equal(messageOfBody('x'.repeat(500)).length, 301);
    assert.equal(messageOfBody('  '), '');
  });
});

describe('postJson', () => {
  test('sends the body with its length and type, and resolves on 2xx', async (t) => {
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    const url = await serve(t, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { headers: req.headers, body: Buffer.concat(chunks).toString() };
        res.writeHead(200).end('{"ok":true}');
      });
    });
    const response = await postJson({ url, body: '{"café":1}', timeoutMs: 2000, receiver: 'Test' });
    assert.equal(response.status, 200);
    assert.equal(response.body, '{"ok":true}');
    assert.equal(seen?.body, '{"café":1}');
    assert.equal(seen?.headers['content-length'], String(Buffer.byteLength('{"café":1}')));
    assert.equal(seen?.headers['content-type'], 'application/json');
  });

  test("a non-2xx answer throws with the status, the receiver's message and Retry-After, never the query", async (t) => {
    const url = await serve(t, (_req, res) => {
      res.writeHead(429, { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() });
      res.end('{"error":{"code":"TooManyRequests","message":"Slow down."}}');
    });
    await assert.rejects(postJson({ url, body: '[]', timeoutMs: 2000, receiver: 'Test' }), (error) => {
      assert.ok(error instanceof DeliveryError);
      assert.equal(error.status, 429);
      assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 50);
      assert.match(
        error.message,
        /^Test at http:\/\/127\.0\.0\.1:\d+\/ingest answered 429 Too Many Requests: TooManyRequests: Slow down\.$/,
      );
      assert.ok(!error.message.includes('k3y'));
      return true;
    });
  });

  test('reads at most 64 KiB of an answer, however much the receiver sends', async (t) => {
    const url = await serve(t, (_req, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const write = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once('drain', write);
        else res.end();
      };
      write();
    });
    const response = await post({ url, body: '[]', timeoutMs: 5000, receiver: 'Test' });
    assert.equal(response.status, 500);
    assert.equal(response.body.length, MAX_RESPONSE_BYTES);
  });

  test('a receiver that does not answer in time fails the delivery at the deadline', async (t) => {
    const url = await serve(t, () => {
      // Never answers.
    });
    const started = Date.now();
    await assert.rejects(
      postJson({ url, body: '[]', timeoutMs: 200, receiver: 'Test' }),
      /Test at http:\/\/127\.0\.0\.1:\d+\/ingest did not answer within 0\.2 s/,
    );
    assert.ok(Date.now() - started < 2000);
  });

  test('a connection cut mid-answer fails the delivery', async (t) => {
    const url = await serve(t, (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"text":');
      setTimeout(() => res.destroy(), 20);
    });
    await assert.rejects(postJson({ url, body: '[]', timeoutMs: 2000, receiver: 'Test' }), DeliveryError);
  });

  test('endpointOf names origin and path only', () => {
    assert.equal(
      endpointOf(new URL('https://h.example:8443/a/b?code=secret#x')),
      'https://h.example:8443/a/b',
    );
  });
});
