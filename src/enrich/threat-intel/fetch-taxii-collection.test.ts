import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { collectionObjectsUrl, fetchTaxiiCollection } from './fetch-taxii-collection.ts';

const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const DATE_COLLECTION = '52892447-4d7e-4f70-b94d-d7f22742ff63';
const MEDIA_TYPE = 'application/taxii+json;version=2.1';
const BASIC = `Basic ${Buffer.from('vigil:s3cret-passphrase').toString('base64')}`;
const BEARER = 'Bearer 7f3c9a51e2d84b06a1c5';

const indicator = (id: string, value: string, added: string, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${id}`,
  created: added,
  modified: added,
  pattern: `[${value.includes(':') ? 'ipv6' : 'ipv4'}-addr:value = '${value}']`,
  pattern_type: 'stix',
  valid_from: added,
  ...extra,
});

// Two pages of a cursor-paged collection, as a TAXII 2.1 server sends them.
const PAGES: Record<
  string,
  { objects: unknown[]; more: boolean; next?: string; first: string; last: string }
> = {
  '': {
    objects: [
      indicator('8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', '198.51.100.1', '2024-03-01T10:00:00.000Z', {
        confidence: 80,
      }),
      indicator('a932fcc6-e032-476c-826f-cb970a5a1ade', '203.0.113.0/24', '2024-03-01T11:00:00.000Z'),
    ],
    more: true,
    next: 'b8d1f2c4-page-2',
    first: '2024-03-01T10:00:00.000Z',
    last: '2024-03-01T11:00:00.000Z',
  },
  'b8d1f2c4-page-2': {
    objects: [
      indicator('3b0c4f9e-5a7d-4f2e-9c61-0d7e2b8a4c15', '2001:db8::/32', '2024-03-02T09:00:00.000Z'),
      // The first page's indicator, revoked since: the newer version wins across pages.
      indicator('8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', '198.51.100.1', '2024-03-02T10:00:00.000Z', {
        revoked: true,
      }),
    ],
    more: false,
    first: '2024-03-02T09:00:00.000Z',
    last: '2024-03-02T10:00:00.000Z',
  },
};

interface Seen {
  path: string;
  query: URLSearchParams;
  accept: string | undefined;
  authorization: string | undefined;
}

describe('fetchTaxiiCollection against a local TAXII 2.1 server', () => {
  const seen: Seen[] = [];
  let acceptedAuthorization = BASIC;
  let baseUrl = '';
  // A test may replace the answer, e.g. with an oversized or failing one.
  let override: ((response: ServerResponse) => void) | null = null;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    seen.push({
      path: url.pathname,
      query: url.searchParams,
      accept: request.headers.accept,
      authorization: request.headers.authorization,
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': MEDIA_TYPE, ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== acceptedAuthorization) {
      send(401, { title: 'Authentication required', http_status: '401' });
      return;
    }
    if (request.headers.accept !== MEDIA_TYPE) {
      send(406, { title: 'Not acceptable', http_status: '406' });
      return;
    }
    if (override !== null) {
      override(response);
      return;
    }
    if (url.pathname === `/api1/collections/${DATE_COLLECTION}/objects/`) {
      // A server without cursors: it pages by the time objects were added.
      const after = url.searchParams.get('added_after');
      const page = after === '2024-03-01T11:00:00.000Z' ? PAGES['b8d1f2c4-page-2']! : PAGES['']!;
      send(
        200,
        { more: page.more, objects: page.objects },
        { 'X-TAXII-Date-Added-First': page.first, 'X-TAXII-Date-Added-Last': page.last },
      );
      return;
    }
    const page = PAGES[url.searchParams.get('next') ?? ''];
    if (url.pathname !== `/api1/collections/${COLLECTION}/objects/` || page === undefined) {
      send(404, { title: 'Collection not found', http_status: '404' });
      return;
    }
    send(
      200,
      { more: page.more, ...(page.next === undefined ? {} : { next: page.next }), objects: page.objects },
      { 'X-TAXII-Date-Added-First': page.first, 'X-TAXII-Date-Added-Last': page.last },
    );
  });

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    server.close();
  });
  beforeEach(() => {
    seen.length = 0;
    acceptedAuthorization = BASIC;
    override = null;
  });

  it('pages through the collection with the cursor, sending credentials and the TAXII media type', async () => {
    const result = await fetchTaxiiCollection({
      baseUrl,
      apiRoot: '/api1/',
      collectionId: COLLECTION,
      username: 'vigil',
      password: 's3cret-passphrase',
      addedAfter: '2024-02-29T00:00:00Z',
    });
    assert.equal(seen.length, 2);
    for (const request of seen) {
      assert.equal(request.path, `/api1/collections/${COLLECTION}/objects/`);
      assert.equal(request.accept, MEDIA_TYPE);
      assert.equal(request.authorization, BASIC);
      assert.equal(request.query.get('added_after'), '2024-02-29T00:00:00Z');
      assert.equal(request.query.get('match[type]'), 'indicator');
    }
    assert.equal(seen[0]?.query.get('next'), null);
    assert.equal(seen[1]?.query.get('next'), 'b8d1f2c4-page-2');
    assert.deepEqual(
      result.indicators.map((i) => [i.cidr, i.source]),
      [
        [`203.0.113.0/24`, `taxii:${COLLECTION}`],
        ['2001:db8::/32', `taxii:${COLLECTION}`],
      ],
    );
    assert.deepEqual(
      result.skipped.map((s) => s.reason),
      ['superseded by a newer version of the same indicator', 'revoked'],
    );
    assert.equal(result.pages, 2);
    assert.equal(result.more, false);
    assert.equal(result.next, null);
    assert.equal(result.dateAddedLast, '2024-03-02T10:00:00.000Z');
    assert.ok(result.bytes > 500);
  });

  it('sends a bearer token and uses the given fetch', async () => {
    acceptedAuthorization = BEARER;
    let calls = 0;
    const result = await fetchTaxiiCollection({
      baseUrl: baseUrl.slice(0, -1),
      apiRoot: 'api1',
      collectionId: COLLECTION,
      token: '7f3c9a51e2d84b06a1c5',
      source: 'partner-feed',
      fetchImpl: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    assert.equal(calls, 2);
    assert.equal(seen[0]?.authorization, BEARER);
    assert.equal(seen[0]?.query.get('added_after'), null);
    assert.equal(result.indicators[0]?.source, 'partner-feed');
  });

  it('stops at maxPages with the cursor to resume from', async () => {
    const options = {
      baseUrl,
      apiRoot: '/api1/',
      collectionId: COLLECTION,
      username: 'vigil',
      password: 's3cret-passphrase',
    };
    const first = await fetchTaxiiCollection({ ...options, maxPages: 1 });
    assert.equal(first.pages, 1);
    assert.equal(first.more, true);
    assert.equal(first.next, 'b8d1f2c4-page-2');
    assert.equal(first.indicators.length, 2);
    const rest = await fetchTaxiiCollection({ ...options, next: first.next! });
    assert.equal(rest.pages, 1);
    assert.equal(rest.more, false);
    assert.deepEqual(
      rest.indicators.map((i) => i.cidr),
      ['2001:db8::/32'],
    );
  });

  it('pages by X-TAXII-Date-Added-Last when the server gives no cursor', async () => {
    const result = await fetchTaxiiCollection({
      baseUrl,
      apiRoot: '/api1/',
      collectionId: DATE_COLLECTION,
      username: 'vigil',
      password: 's3cret-passphrase',
    });
    assert.deepEqual(
      seen.map((s) => s.query.get('added_after')),
      [null, '2024-03-01T11:00:00.000Z'],
    );
    assert.deepEqual(
      result.indicators.map((i) => i.cidr),
      ['203.0.113.0/24', '2001:db8::/32'],
    );
  });

  it('rejects on refused credentials, naming the status and the server title', async () => {
    await assert.rejects(
      fetchTaxiiCollection({ baseUrl, apiRoot: '/api1/', collectionId: COLLECTION, token: 'wrong' }),
      /failed: 401 Unauthorized \(Authentication required\)/,
    );
  });

  it('rejects a body over the byte budget, however it is sent', async () => {
    const options = {
      baseUrl,
      apiRoot: '/api1/',
      collectionId: COLLECTION,
      username: 'vigil',
      password: 's3cret-passphrase',
      maxBytes: 64 * 1024,
    };
    override = (response) => {
      // Chunked, so no Content-Length warns in advance.
      response.writeHead(200, { 'Content-Type': MEDIA_TYPE });
      response.write('{"more":false,"objects":[');
      for (let i = 0; i < 100; i++) response.write(`"${'x'.repeat(1024)}",`);
      response.end('0]}');
    };
    await assert.rejects(fetchTaxiiCollection(options), /exceed the byte budget/);
    override = (response) => {
      response.writeHead(200, { 'Content-Type': MEDIA_TYPE, 'Content-Length': String(10 * 1024 * 1024) });
      response.write('{"more":false,');
      setTimeout(() => response.destroy(), 50);
    };
    await assert.rejects(fetchTaxiiCollection(options), /exceed the byte budget/);
  });

  it('rejects a page that is not an envelope, and a server that repeats its cursor', async () => {
    const options = {
      baseUrl,
      apiRoot: '/api1/',
      collectionId: COLLECTION,
      username: 'vigil',
      password: 's3cret-passphrase',
    };
    override = (response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>maintenance</html>');
    };
    await assert.rejects(fetchTaxiiCollection(options), /page 1 .*not JSON/);
    override = (response) => {
      response.writeHead(200, { 'Content-Type': MEDIA_TYPE });
      response.end(JSON.stringify({ more: true, next: 'same', objects: [] }));
    };
    await assert.rejects(fetchTaxiiCollection(options), /repeated the cursor "same"/);
    assert.equal(seen.length, 3);
  });

  it('refuses ambiguous credentials and an unreadable addedAfter before any request', async () => {
    const options = { baseUrl, apiRoot: '/api1/', collectionId: COLLECTION };
    await assert.rejects(fetchTaxiiCollection({ ...options, token: 't', username: 'u' }), TypeError);
    await assert.rejects(fetchTaxiiCollection({ ...options, addedAfter: 'yesterday' }), RangeError);
    assert.equal(seen.length, 0);
  });
});

describe('collectionObjectsUrl', () => {
  it('resolves absolute, rooted and relative API roots', () => {
    assert.equal(
      collectionObjectsUrl('https://cti.example.com/taxii2/', 'https://cti.example.com/api1/', 'c 1').href,
      'https://cti.example.com/api1/collections/c%201/objects/',
    );
    assert.equal(
      collectionObjectsUrl('https://cti.example.com/taxii2', '/feeds/', 'c').href,
      'https://cti.example.com/feeds/collections/c/objects/',
    );
    assert.equal(
      collectionObjectsUrl('https://cti.example.com/taxii2', 'api1', 'c').href,
      'https://cti.example.com/taxii2/api1/collections/c/objects/',
    );
  });
});
