import type { JWTPayload } from 'jose';
import type { OidcIssuerSettings } from '../../config/schema.ts';
import type { Caller, CallerActor } from './caller.ts';
import { claimList, claimText, createJwtVerifier, invalid, type JwtVerifierOptions } from './jwt-verifier.ts';
import { isPermission, type Permission, withImpliedPermissions } from './permissions.ts';
import { isRole, permissionsOfRoles, type Role, roleOfTemplateId } from './roles.ts';

export { CLOCK_TOLERANCE_SECONDS } from './jwt-verifier.ts';

/** Verifies OIDC access tokens and says who they speak for. */
export interface OidcVerifier {
  /**
   * The caller a JWT speaks for; throws `InvalidAuthenticationToken` saying why it is not accepted,
   * or `ServiceUnavailable` when its issuer's keys cannot be fetched.
   */
  verify(token: string): Promise<Caller>;
}

/** How keys are fetched; tests shorten the waits. */
export type OidcVerifierOptions = JwtVerifierOptions;

/**
 * What a verified token may do. App-only tokens (no `scp`) get their `roles` (application
 * permissions) plus what their `wids` directory roles grant. Delegated tokens get only what both the
 * user holds (`wids` roles, app roles assigned in `roles`) and the client was consented (`scp`).
 * `roles` may also name Vigil roles (`security-reader`), for issuers without directory roles.
 */
function grantsOf(payload: JWTPayload): { roles: Role[]; permissions: Set<Permission> } {
  const held = new Set<Role>();
  const direct: Permission[] = [];
  for (const wid of claimList(payload, 'wids')) {
    const role = roleOfTemplateId(wid);
    if (role) held.add(role);
  }
  for (const value of claimList(payload, 'roles')) {
    if (isPermission(value)) direct.push(value);
    else if (isRole(value)) held.add(value);
  }
  const granted = withImpliedPermissions([...direct, ...permissionsOfRoles(held)]);
  const scopes = claimList(payload, 'scp');
  if (scopes.length === 0) return { roles: [...held], permissions: granted };
  const consented = withImpliedPermissions(scopes.filter(isPermission));
  const permissions = new Set<Permission>();
  for (const p of granted) if (consented.has(p)) permissions.add(p);
  return { roles: [...held], permissions };
}

/** The user or app a verified token speaks for; `oid` first, `sub` for issuers without one. */
function actorOf(payload: JWTPayload): CallerActor {
  const id = claimText(payload, 'oid') ?? claimText(payload, 'sub');
  if (id === undefined) throw invalid('The token names no object id ("oid" or "sub").');
  const isApp = claimText(payload, 'idtyp') === 'app' || claimList(payload, 'scp').length === 0;
  if (isApp) {
    const appId = claimText(payload, 'appid') ?? claimText(payload, 'azp');
    const actor: CallerActor = {
      type: 'app',
      id,
      displayName: claimText(payload, 'app_displayname') ?? appId ?? id,
    };
    if (appId !== undefined) actor.appId = appId;
    return actor;
  }
  const upn =
    claimText(payload, 'upn') ??
    claimText(payload, 'preferred_username') ??
    claimText(payload, 'unique_name');
  const actor: CallerActor = { type: 'user', id, displayName: claimText(payload, 'name') ?? upn ?? id };
  if (upn !== undefined) actor.userPrincipalName = upn;
  return actor;
}

/** Verifies API callers' JWTs (see createJwtVerifier) and maps their claims to a Caller. */
export function createOidcVerifier(
  issuers: readonly OidcIssuerSettings[],
  options: OidcVerifierOptions = {},
): OidcVerifier {
  const jwt = createJwtVerifier(issuers, options);
  return {
    async verify(token) {
      const { payload, tenantId } = await jwt.verify(token);
      const actor = actorOf(payload);
      const { roles, permissions } = grantsOf(payload);
      return { tenantId, kind: 'jwt', actorId: actor.id, actor, roles, permissions };
    },
  };
}
