import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/open-store.ts';
import { createApiKeyQueries } from '../../store/queries/api-key-queries.ts';
import type { ApiKeyTable } from '../../store/schema.ts';
import type { Role } from './roles.ts';

/** Keys look like `vigil_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
const KEY_PATTERN = /^vigil_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A key as listed: never its secret. */
export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Who a valid key speaks for. */
export interface KeyPrincipal {
  keyId: string;
  tenantId: string;
  name: string;
  role: Role;
}

/**
 * The outcome of checking a presented key. `revoked` is told only to a holder of the right secret,
 * so it reveals nothing about which key ids exist.
 */
export type KeyVerification = { principal: KeyPrincipal } | { failure: 'malformed' | 'unknown' | 'revoked' };

const TOUCH_EVERY_MS = 60_000;

function hashSecret(secret: string): string {
  // The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
  return createHash('sha256').update(secret).digest('hex');
}

/** Keys remembered at most: far more than a deployment has, and bounded against a flood of ids. */
const MAX_REMEMBERED = 10_000;

/** Creates, verifies, lists and revokes API keys. */
export function createApiKeys(store: Store, now: () => string = () => new Date().toISOString()) {
  const queries = createApiKeyQueries(store);
  const lastTouched = new Map<string, number>();
  // Keys verified before, by id, while someone keeps telling this instance the revocation counter
  // (`rememberUntilRevoked`): a request then costs a hash instead of a query. Without that, every
  // verification reads the store, and a revocation holds at once.
  const remembered = new Map<string, ApiKeyTable>();
  let revocations: number | null = null;
  return {
    /**
     * Keeps verified keys in memory until `api_key_version` (the revocation counter) moves: a server
     * calls this with every reading of the change counters, so a key revoked by any process is
     * refused from the next reading on (within the poll interval).
     */
    rememberUntilRevoked(version: number): void {
      if (revocations !== version) remembered.clear();
      revocations = version;
    },
    /** Creates a key and returns it with its secret: the only time the secret is shown. */
    async create(input: {
      tenantId: string;
      role: Role;
      name: string;
    }): Promise<{ key: string; info: ApiKeyInfo }> {
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const createdAt = now();
      await queries.insert({
        id,
        tenant_id: input.tenantId,
        name: input.name,
        role: input.role,
        secret_hash: hashSecret(secret),
        created_at: createdAt,
        last_used_at: null,
        revoked_at: null,
      });
      return {
        key: `vigil_${id}_${secret}`,
        info: {
          id,
          tenantId: input.tenantId,
          name: input.name,
          role: input.role,
          createdAt,
          lastUsedAt: null,
          revokedAt: null,
        },
      };
    },
    /** Checks a presented key: who it speaks for, or why it does not (malformed, unknown, revoked). */
    async verify(presented: string): Promise<KeyVerification> {
      const m = KEY_PATTERN.exec(presented);
      if (!m) return { failure: 'malformed' };
      let row = remembered.get(m[1]!);
      if (row === undefined) {
        row = await queries.findById(m[1]!);
        if (!row) return { failure: 'unknown' };
        // Only keys still valid are remembered, and only while the revocation counter is watched.
        if (revocations !== null && row.revoked_at === null && remembered.size < MAX_REMEMBERED) {
          remembered.set(row.id, row);
        }
      }
      const expected = Buffer.from(row.secret_hash, 'hex');
      const actual = Buffer.from(hashSecret(m[2]!), 'hex');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
        return { failure: 'unknown' };
      if (row.revoked_at !== null) return { failure: 'revoked' };
      // Record use at most once a minute per key: `keys list` shows it, and requests pay no write.
      const at = now();
      const last = lastTouched.get(row.id);
      if (last === undefined || Date.parse(at) - last >= TOUCH_EVERY_MS) {
        lastTouched.set(row.id, Date.parse(at));
        await queries.touch(row.id, at);
      }
      return {
        principal: { keyId: row.id, tenantId: row.tenant_id, name: row.name, role: row.role as Role },
      };
    },
    /** Lists keys, of one tenant or all, oldest first. */
    async list(tenantId?: string): Promise<ApiKeyInfo[]> {
      return (await queries.list(tenantId)).map((r) => ({
        id: r.id,
        tenantId: r.tenant_id,
        name: r.name,
        role: r.role as Role,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
      }));
    },
    /** Revokes a key; true when an active key was revoked. */
    revoke(id: string): Promise<boolean> {
      return queries.revoke(id, now());
    },
    /** How many keys are not revoked (none means `vigil serve` mints the first). */
    countActive(): Promise<number> {
      return queries.countActive();
    },
  };
}

/** The key operations `createApiKeys` returns. */
export type ApiKeys = ReturnType<typeof createApiKeys>;
