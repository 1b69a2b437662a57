import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../../errors/api-error.ts';
import type { DestinationPlugin } from '../../exports/destination.ts';
import { parseDiagnosticSetting, settingJson } from '../../exports/diagnostic-setting.ts';
import { createAdminAudit } from '../../jobs/admin-audit.ts';
import type { Store } from '../../store/open-store.ts';
import { createDiagnosticSettingQueries } from '../../store/queries/diagnostic-setting-queries.ts';
import { callerOf } from '../auth/authenticate.ts';
import { auditActorOf, resourceNotFound } from '../graph/graph-route-options.ts';

/** What the diagnostic settings routes need. */
export interface DiagnosticSettingsRouteOptions {
  store: Store;
  plugins: ReadonlyMap<string, DestinationPlugin>;
  requireManage: preHandlerAsyncHookHandler;
}

/**
 * `GET /diagnosticSettings`, `GET/PUT/DELETE /diagnosticSettings/{name}`: where the tenant's risk
 * data and logs are exported. Secrets in destinations are never shown back.
 */
export async function diagnosticSettingsRoutes(
  app: FastifyInstance,
  options: DiagnosticSettingsRouteOptions,
): Promise<void> {
  const { plugins, requireManage } = options;
  const settings = createDiagnosticSettingQueries(options.store);
  const audit = createAdminAudit(options.store);
  const tags = ['exports'];
  const render = (name: string, body: unknown, source: string) => {
    const parsed = parseDiagnosticSetting(name, body, plugins);
    if ('error' in parsed) throw new ApiError('InternalServerError', `Stored setting ${name} is not valid.`);
    return { ...settingJson(parsed.setting, plugins), source };
  };

  app.get('/diagnosticSettings', { preHandler: requireManage, schema: { tags } }, async (request) => {
    const caller = callerOf(request);
    return { value: (await settings.list(caller.tenantId)).map((s) => render(s.name, s.body, s.source)) };
  });
  app.get<{ Params: { name: string } }>(
    '/diagnosticSettings/:name',
    { preHandler: requireManage, schema: { tags } },
    async (request) => {
      const caller = callerOf(request);
      const s =
        (await settings.get(caller.tenantId, request.params.name)) ??
        (await settings.get('*', request.params.name));
      if (!s) throw resourceNotFound(request.params.name);
      return render(s.name, s.body, s.source);
    },
  );
  app.put<{ Params: { name: string } }>(
    '/diagnosticSettings/:name',
    { preHandler: requireManage, bodyLimit: 64 * 1024, schema: { tags } },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name } = request.params;
      if (await settings.get('*', name)) {
        throw new ApiError(
          'BadRequest',
          `The setting '${name}' is defined in the configuration file; change it there.`,
        );
      }
      const parsed = parseDiagnosticSetting(name, request.body, plugins);
      if ('error' in parsed) throw new ApiError('BadRequest', parsed.error.message);
      const created = await settings.put(
        { tenantId: caller.tenantId, name, body: request.body, source: 'api' },
        parsed.setting.categories,
        new Date().toISOString(),
      );
      await audit.record(caller.tenantId, {
        activity: `${created ? 'Add' : 'Update'} diagnostic setting`,
        category: 'Policy',
        operationType: created ? 'Add' : 'Update',
        targets: [{ id: name, displayName: name, type: 'DiagnosticSetting', modifiedProperties: [] }],
        actor: auditActorOf(caller),
      });
      return reply.code(created ? 201 : 200).send({ ...settingJson(parsed.setting, plugins), source: 'api' });
    },
  );
  app.delete<{ Params: { name: string } }>(
    '/diagnosticSettings/:name',
    { preHandler: requireManage, schema: { tags } },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name } = request.params;
      if (!(await settings.remove(caller.tenantId, name))) throw resourceNotFound(name);
      await audit.record(caller.tenantId, {
        activity: 'Delete diagnostic setting',
        category: 'Policy',
        operationType: 'Delete',
        targets: [{ id: name, displayName: name, type: 'DiagnosticSetting', modifiedProperties: [] }],
        actor: auditActorOf(caller),
      });
      return reply.code(204).send();
    },
  );
}
