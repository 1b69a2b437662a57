import type { Permission } from './permissions.ts';
import type { Role } from './roles.ts';

/** Who did something, as audit records and risk history name them. */
export interface CallerActor {
  type: 'user' | 'app';
  /** The user's or service principal's object id; `apiKey:<keyId>` for an API key. */
  id: string;
  displayName: string;
  userPrincipalName?: string;
  /** The client application's id, for app-only tokens. */
  appId?: string;
}

/** An authenticated request's caller: its tenant, identity and what it may do. */
export interface Caller {
  /** The tenant every query of the request is scoped to. */
  tenantId: string;
  kind: 'apiKey' | 'jwt';
  /**
   * Stable id of the caller: `apiKey:<keyId>` for keys, the token's `oid` for JWTs. Risk history
   * records it as `initiatedBy`; rate limits count per it.
   */
  actorId: string;
  actor: CallerActor;
  /** Vigil roles the caller holds (a key's role; a token's `wids` directory roles). */
  roles: readonly Role[];
  /** Everything the caller may do, implied permissions included. */
  permissions: ReadonlySet<Permission>;
}
