import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../../errors/api-error.ts';
import { type IngestDeps, ingestBody } from '../../ingest/pipeline.ts';
import { isGzipBuffer } from '../../ingest/read-source.ts';
import { callerOf } from '../auth/authenticate.ts';

const gunzipAsync = promisify(gunzip);

/** What the push ingest route needs. */
export interface IngestRouteOptions {
  deps: IngestDeps;
  bodyLimitBytes: number;
  requireIngest: preHandlerAsyncHookHandler;
  /** Makes what was stored visible to this process's cached reads before the reply. */
  afterWrite?: () => Promise<void>;
}

/**
 * `POST /ingest/entra`: any supported format (export envelope, Event Hub message, Log Analytics
 * rows, Graph JSON, NDJSON), optionally gzip-encoded; answers with the import counts.
 */
export async function ingestRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  // Bodies are framed and parsed by the ingest pipeline, not by fastify: take them raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );
  app.post('/ingest/entra', { preHandler: options.requireIngest }, async (request, reply) => {
    let body = request.body as Buffer | undefined;
    if (!body || body.length === 0)
      throw new ApiError('BadRequest', 'The request body is empty: send log records.');
    const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
    if (encoding === 'gzip' || (encoding === '' && isGzipBuffer(body))) {
      try {
        body = await gunzipAsync(body, { maxOutputLength: options.bodyLimitBytes });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
          throw new ApiError(
            'RequestBodyTooLarge',
            `The decompressed body is larger than ${options.bodyLimitBytes} bytes.`,
          );
        }
        throw new ApiError('BadRequest', `The body is not valid gzip: ${(err as Error).message}`);
      }
    } else if (encoding !== '' && encoding !== 'identity') {
      throw new ApiError(
        'UnsupportedMediaType',
        `Content-Encoding '${encoding}' is not supported; use gzip.`,
      );
    }
    const totals = await ingestBody(body, `request:${request.id}`, options.deps, {
      boundTenantId: callerOf(request).tenantId,
    });
    if (totals.stored > 0) await options.afterWrite?.();
    return reply.send({
      requestId: request.id,
      read: totals.read,
      stored: totals.stored,
      duplicates: totals.duplicates,
      skipped: totals.skipped,
      quarantined: totals.quarantined,
      formats: totals.formats,
    });
  });
}
