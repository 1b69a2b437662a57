import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { errorCodes } from '../errors/codes.ts';

/** Graph's `innerError.date`: UTC, second precision, no zone designator. */
function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** Sends an error in Graph's envelope with the request and client request ids. */
export function sendGraphError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const clientRequestId = request.headers['client-request-id'];
  return reply
    .code(errorCodes[code])
    .type('application/json')
    .send({
      error: {
        code,
        message,
        innerError: {
          date: graphDate(new Date()),
          'request-id': request.id,
          'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : request.id,
        },
      },
    });
}

/** Maps every error — ours, fastify's, validation's, unexpected ones — to the Graph envelope. */
export function installErrorHandling(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('request-id', request.id);
    const clientRequestId = request.headers['client-request-id'];
    reply.header('client-request-id', typeof clientRequestId === 'string' ? clientRequestId : request.id);
  });
  app.setNotFoundHandler((request, reply) =>
    sendGraphError(
      request,
      reply,
      'Request_ResourceNotFound',
      `Resource not found for the segment '${request.url.split('?')[0]}'.`,
    ),
  );
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return sendGraphError(request, reply, error.code, error.message);
    const fe = error as FastifyError;
    if (fe.validation) return sendGraphError(request, reply, 'BadRequest', fe.message);
    const status = fe.statusCode ?? 500;
    if (status === 413) return sendGraphError(request, reply, 'RequestBodyTooLarge', fe.message);
    if (status === 415) return sendGraphError(request, reply, 'UnsupportedMediaType', fe.message);
    if (status >= 400 && status < 500) return sendGraphError(request, reply, 'BadRequest', fe.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendGraphError(
      request,
      reply,
      'InternalServerError',
      'An internal error occurred; see the server log for request-id.',
    );
  });
}
