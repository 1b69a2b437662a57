// A TAXII 2.1 server for tests, on a real socket and speaking the wire format of the specification
// (OASIS TAXII 2.1, sections 4 and 5): discovery, API root, collections and objects endpoints,
// `application/taxii+json;version=2.1`, envelopes paged with `more`/`next`, `added_after` and
// `match[type]` filters, X-TAXII-Date-Added-First/Last headers, error messages, and HTTP Basic or
// bearer authentication.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The TAXII 2.1 media type. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  accept: string | undefined;
  authorization: string | undefined;
}

/** A STIX object in a collection, with the time the server added it. */
interface Stored {
  object: Record<string, unknown>;
  dateAdded: string;
}

/** A STIX 2.1 indicator for one address or block, as CTI platforms publish them. */
export function ipIndicator(
  id: string,
  value: string,
  at: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${id}`,
    created: at,
    modified: at,
    name: `Malicious address ${value}`,
    indicator_types: ['malicious-activity'],
    pattern: `[${value.includes(':') ? 'ipv6' : 'ipv4'}-addr:value = '${value}']`,
    pattern_type: 'stix',
    valid_from: at,
    ...extra,
  };
}

/** A running test server. */
export interface TaxiiTestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The API root URL of the one API root, `…/api1/`. */
  apiRoot: string;
  seen: SeenRequest[];
  /** Adds objects to a collection (created on first use) as added at `dateAdded`. */
  add(collectionId: string, dateAdded: string, objects: Record<string, unknown>[]): void;
  /** The Authorization header value the server accepts; null accepts requests without one. */
  authorization: string | null;
  /** Objects per page. */
  pageSize: number;
  close(): Promise<void>;
}

/** Starts a TAXII 2.1 server on a free loopback port. */
export async function startTaxiiServer(): Promise<TaxiiTestServer> {
  const collections = new Map<string, Stored[]>();
  const seen: SeenRequest[] = [];
  let origin = '';

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    seen.push({
      path: url.pathname,
      query: url.searchParams,
      accept: request.headers.accept,
      authorization: request.headers.authorization,
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'Content-Type': TAXII_MEDIA_TYPE,
        'Content-Length': String(Buffer.byteLength(text)),
        ...headers,
      });
      response.end(text);
    };
    const error = (status: number, title: string) =>
      send(status, { title, http_status: String(status), description: title });

    if (state.authorization !== null && request.headers.authorization !== state.authorization) {
      error(401, 'Authentication required');
      return;
    }
    if (request.headers.accept !== TAXII_MEDIA_TYPE) {
      error(406, 'The media type is not supported');
      return;
    }
    if (url.pathname === '/taxii2/') {
      send(200, {
        title: 'Partner CTI',
        description: 'Indicators shared with partners',
        default: `${origin}/api1/`,
        api_roots: [`${origin}/api1/`],
      });
      return;
    }
    if (url.pathname === '/api1/') {
      send(200, {
        title: 'Partner CTI feeds',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: 10_485_760,
      });
      return;
    }
    if (url.pathname === '/api1/collections/') {
      send(200, { collections: [...collections.keys()].map(describeCollection) });
      return;
    }
    const match = /^\/api1\/collections\/([^/]+)\/(objects\/)?$/.exec(url.pathname);
    const stored = match ? collections.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || stored === undefined) {
      error(404, 'Collection not found');
      return;
    }
    if (match[2] === undefined) {
      send(200, describeCollection(decodeURIComponent(match[1]!)));
      return;
    }
    const addedAfter = url.searchParams.get('added_after');
    const types = url.searchParams.get('match[type]')?.split(',') ?? null;
    const selected = stored
      .filter((s) => addedAfter === null || Date.parse(s.dateAdded) > Date.parse(addedAfter))
      .filter((s) => types === null || types.includes(String(s.object.type)))
      .sort((a, b) => Date.parse(a.dateAdded) - Date.parse(b.dateAdded));
    const cursor = url.searchParams.get('next');
    const offset = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    const page = selected.slice(offset, offset + state.pageSize);
    const more = offset + page.length < selected.length;
    const headers: Record<string, string> =
      page.length > 0
        ? {
            'X-TAXII-Date-Added-First': page[0]!.dateAdded,
            'X-TAXII-Date-Added-Last': page[page.length - 1]!.dateAdded,
          }
        : {};
    send(
      200,
      {
        more,
        ...(more ? { next: Buffer.from(String(offset + page.length)).toString('base64url') } : {}),
        ...(page.length > 0 ? { objects: page.map((s) => s.object) } : {}),
      },
      headers,
    );
  });

  const describeCollection = (id: string) => ({
    id,
    title: `Collection ${id}`,
    can_read: true,
    can_write: false,
    media_types: ['application/stix+json;version=2.1'],
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state: TaxiiTestServer = {
    origin,
    apiRoot: `${origin}/api1/`,
    seen,
    authorization: null,
    pageSize: 100,
    add(collectionId, dateAdded, objects) {
      const list = collections.get(collectionId) ?? [];
      for (const object of objects) list.push({ object, dateAdded });
      collections.set(collectionId, list);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return state;
}
