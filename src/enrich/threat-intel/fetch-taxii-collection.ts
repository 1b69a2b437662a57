// Data loading, the one kind of I/O the enrich layer does. A TAXII server is a remote party: every
// request has a timeout, the walk has a page limit and the bodies a byte budget, counted while the
// body streams in, so a hostile or broken server cannot make Vigil page forever or buffer gigabytes.

import { parseStixObjects, type StixParseResult } from './parse-stix-bundle.ts';
import { readTaxiiEnvelope } from './parse-taxii-envelope.ts';
import { parseTimestamp } from './parse-timestamp.ts';

/** Where a TAXII 2.1 collection lives, how to sign in to it and how much of it to read. */
export interface TaxiiFetchOptions {
  /** The server, e.g. `https://cti.example.com/`; a relative apiRoot resolves against it. */
  baseUrl: string;
  /** The API root: an absolute URL, a path (`/api1/`) or a name relative to baseUrl (`api1`). */
  apiRoot: string;
  collectionId: string;
  /** HTTP Basic credentials; give these or a token, not both. */
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Only objects the server added after this time (RFC 3339): the previous run's dateAddedLast. */
  addedAfter?: string;
  /** Resume a walk that stopped at maxPages, from its `next` cursor. */
  next?: string;
  /** Recorded as every indicator's source; default `taxii:<collectionId>`. */
  source?: string;
  /** Confidence for indicators that state none (0–100); default 50. */
  defaultConfidence?: number;
  /** Pages read at most in one call; default 1000. */
  maxPages?: number;
  /** Response bytes read at most in one call, all pages together; default 256 MiB. */
  maxBytes?: number;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  /** For tests and proxies; default the global fetch. */
  fetchImpl?: typeof fetch;
}

/** The indicators of a collection walk, with what is needed to continue it later. */
export interface TaxiiFetchResult extends StixParseResult {
  pages: number;
  bytes: number;
  /** True when the walk stopped at maxPages (or the server gave no cursor) before the server ran out. */
  more: boolean;
  /** Pass as `next` to continue a walk that stopped at maxPages. */
  next: string | null;
  /** The server's X-TAXII-Date-Added-Last: pass as addedAfter next time to read only newer objects. */
  dateAddedLast: string | null;
}

const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/**
 * Pages through `GET {apiRoot}/collections/{id}/objects/` of a TAXII 2.1 server and reads the IP
 * indicators of every page. Object-level problems come back as rejections; a failed request, a page
 * that is not an envelope or an exceeded byte budget rejects the promise.
 */
export async function fetchTaxiiCollection(options: TaxiiFetchOptions): Promise<TaxiiFetchResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxPages = options.maxPages ?? 1000;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (options.addedAfter !== undefined && Number.isNaN(parseTimestamp(options.addedAfter))) {
    throw new RangeError(`addedAfter ${JSON.stringify(options.addedAfter)} is not an RFC 3339 time`);
  }
  const headers: Record<string, string> = { Accept: TAXII_MEDIA_TYPE };
  const authorization = authorizationHeader(options);
  if (authorization !== null) headers.Authorization = authorization;
  const objectsUrl = collectionObjectsUrl(options.baseUrl, options.apiRoot, options.collectionId);

  const objects: unknown[] = [];
  let addedAfter = options.addedAfter ?? null;
  let next = options.next ?? null;
  let more = true;
  let pages = 0;
  let bytes = 0;
  let dateAddedLast: string | null = null;
  while (more && pages < maxPages) {
    const url = new URL(objectsUrl);
    if (addedAfter !== null) url.searchParams.set('added_after', addedAfter);
    // Servers that filter save sending the reports, identities and relationships we would ignore.
    url.searchParams.set('match[type]', 'indicator');
    if (next !== null) url.searchParams.set('next', next);
    // No redirects: one would carry the credentials to wherever the server points.
    const response = await fetchImpl(url, {
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    pages++;
    if (!response.ok) throw new Error(await describeFailure(response, url));
    const body = await readBody(response, maxBytes - bytes, url);
    bytes += body.bytes;
    const envelope = readTaxiiEnvelope(body.text);
    if ('error' in envelope) throw new Error(`TAXII page ${pages} from ${url.origin}: ${envelope.error}`);
    for (const object of envelope.objects) objects.push(object);
    const pageDateAddedLast = response.headers.get('X-TAXII-Date-Added-Last');
    if (pageDateAddedLast !== null) dateAddedLast = pageDateAddedLast;
    more = envelope.more;
    if (!more) {
      next = null;
    } else if (envelope.next !== null) {
      if (envelope.next === next) throw new Error(`TAXII server repeated the cursor ${JSON.stringify(next)}`);
      next = envelope.next;
    } else if (pageDateAddedLast !== null && pageDateAddedLast !== addedAfter) {
      // Servers without cursors page by time: ask for what was added after this page's last object.
      addedAfter = pageDateAddedLast;
      next = null;
    } else {
      // More, but no way to ask for it: stop and say so through `more`.
      next = null;
      break;
    }
  }
  const parsed = parseStixObjects(objects, {
    source: options.source ?? `taxii:${options.collectionId}`,
    ...(options.defaultConfidence === undefined ? {} : { defaultConfidence: options.defaultConfidence }),
  });
  return { ...parsed, pages, bytes, more, next, dateAddedLast };
}

/** The URL of a collection's objects endpoint, `{apiRoot}/collections/{id}/objects/`. */
export function collectionObjectsUrl(baseUrl: string, apiRoot: string, collectionId: string): URL {
  const base = new URL(withSlash(baseUrl));
  const root = new URL(withSlash(apiRoot), base);
  return new URL(`collections/${encodeURIComponent(collectionId)}/objects/`, root);
}

function withSlash(text: string): string {
  return text.endsWith('/') ? text : `${text}/`;
}

function authorizationHeader(options: TaxiiFetchOptions): string | null {
  const basic = options.username !== undefined || options.password !== undefined;
  if (options.token !== undefined && basic) {
    throw new TypeError('give either a token or a username and password, not both');
  }
  if (options.token !== undefined) return `Bearer ${options.token}`;
  if (!basic) return null;
  return `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;
}

// Reads the body while counting bytes, so the budget holds whatever Content-Length claims.
async function readBody(
  response: Response,
  budget: number,
  url: URL,
): Promise<{ text: string; bytes: number }> {
  const overBudget = () => new Error(`TAXII responses from ${url.origin} exceed the byte budget (maxBytes)`);
  const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
  if (declared > budget) {
    await response.body?.cancel();
    throw overBudget();
  }
  if (response.body === null) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > budget) {
      await reader.cancel();
      throw overBudget();
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}

// A TAXII error body is a JSON object with a `title`; anything else is quoted briefly. Only the first
// few kilobytes are read: the byte budget must hold for error pages too.
async function describeFailure(response: Response, url: URL): Promise<string> {
  let text = '';
  try {
    const head = await readHead(response, 4096);
    try {
      const parsed = JSON.parse(head) as { title?: unknown };
      text = typeof parsed.title === 'string' ? parsed.title : head;
    } catch {
      text = head;
    }
  } catch {
    // The status says enough when the body cannot be read.
  }
  const detail = text.trim().slice(0, 200);
  const status = `${response.status} ${response.statusText}`.trim();
  return `TAXII request to ${url.origin}${url.pathname} failed: ${status}${detail ? ` (${detail})` : ''}`;
}

async function readHead(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
