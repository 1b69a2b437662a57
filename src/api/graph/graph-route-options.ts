import type { preHandlerAsyncHookHandler } from 'fastify';
import type { AuditActor } from '../../domain/index.ts';
import { ApiError } from '../../errors/api-error.ts';
import type { ActionActor } from '../../jobs/admin-audit.ts';
import type { Caller } from '../auth/caller.ts';
import type { Permission } from '../auth/permissions.ts';
import type { GraphDeps } from './collection-source.ts';

/** What each Graph route plugin is registered with. */
export interface GraphRouteOptions {
  deps: GraphDeps;
  requirePermission: (permission: Permission) => preHandlerAsyncHookHandler;
  /** Applies a change a route made to this process's access decisions and response cache before the reply. */
  onChange: () => Promise<void>;
}

export { callerOf } from '../auth/authenticate.ts';

/** The caller as an audit record's `initiatedBy` names it. */
export function auditActorOf(caller: Caller): AuditActor {
  const a = caller.actor;
  return {
    kind: a.type,
    id: a.type === 'user' ? a.id : null,
    displayName: a.displayName,
    userPrincipalName: a.userPrincipalName ?? null,
    appId: a.appId ?? null,
    // An API key is no directory object: its id stays out of the servicePrincipalId column.
    servicePrincipalId: a.type === 'app' && caller.kind === 'jwt' ? a.id : null,
    ipAddress: null,
  };
}

/** The caller as an action records it: in risk history, and in the audit log as `initiatedBy`. */
export function actionActorOf(caller: Caller): ActionActor {
  return { initiatedBy: caller.actorId, audit: auditActorOf(caller) };
}

/** Graph's 404 for an id that names nothing in the tenant. */
export function resourceNotFound(id: string): ApiError {
  return new ApiError(
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
