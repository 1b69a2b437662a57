import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../../store/open-store.ts';
import { sendGraphError } from '../error-handler.ts';

/** `GET /healthz`: open to all, says only whether the service and its store answer. */
export async function healthRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    try {
      await sql`select 1`.execute(options.store.db);
    } catch {
      return sendGraphError(request, reply, 'ServiceUnavailable', 'The store does not answer.');
    }
    return { status: 'ok' };
  });
}
