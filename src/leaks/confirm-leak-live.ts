import type { Credential } from '../domain/inventory.ts';
import type { Leak } from './leak.ts';
import type { LeakMatch } from './match-leak.ts';
import type { LiveSecretCheck, LiveSecretRequest } from './verify-secret-live.ts';

/** A match after a live check: what the token endpoint said, in words, or null when none was asked. */
export interface LiveLeakMatch extends LeakMatch {
  liveCheck: string | null;
}

/** What a live check of a leak needs from its caller. */
export interface ConfirmLeakLiveOptions {
  /** The appId (client id) of a credential's owner, or null when unknown. */
  appIdOf(credential: Credential): string | null;
  /** Tries the secret as the app's client secret (see `verifySecretLive`). */
  check(request: LiveSecretRequest): Promise<LiveSecretCheck>;
}

interface AppGroup {
  tenantId: string;
  appId: string | null;
  keyIds: string[];
  check: LiveSecretCheck | null;
}

/**
 * Settles a probable client-secret match with a live token request per app among its candidate
 * credentials. A token issued makes the match `confirmed` for that app's candidates; a secret every
 * app refuses is `invalid` (or `stale` when the endpoint says it expired): it no longer works and
 * raises nothing. Any other answer (unavailable, unknown app) leaves the match probable, with the
 * answer noted. Other matches are returned as they are, with no request: a secret confirmed by its
 * stored hash is never sent anywhere.
 */
export async function confirmLeakLive(
  leak: Leak,
  match: LeakMatch,
  credentials: readonly Credential[],
  options: ConfirmLeakLiveOptions,
): Promise<LiveLeakMatch> {
  const secret = leak.secret;
  if (leak.kind !== 'clientSecret' || secret === null || match.outcome !== 'probable') {
    return { ...match, liveCheck: null };
  }
  const groups = new Map<string, AppGroup>();
  for (const keyId of new Set(match.keyIds)) {
    const owners = credentials.filter((c) => c.keyId === keyId);
    const owner = owners.find((c) => options.appIdOf(c) !== null) ?? owners[0];
    const appId = owner === undefined ? null : options.appIdOf(owner);
    const tenantId = owner?.tenantId ?? leak.tenantId ?? '';
    const key = `${tenantId}|${appId ?? ''}`;
    const group = groups.get(key) ?? { tenantId, appId, keyIds: [], check: null };
    group.keyIds.push(keyId);
    groups.set(key, group);
  }
  for (const g of groups.values()) {
    if (g.appId !== null) g.check = await options.check({ tenantId: g.tenantId, appId: g.appId, secret });
  }
  const all = [...groups.values()];
  const said = (g: AppGroup) =>
    g.check === null
      ? 'not tried: the owning app is unknown'
      : `${g.check.detail}${all.length > 1 ? ` (app ${g.appId})` : ''}`;
  const valid = all.filter((g) => g.check?.verdict === 'valid');
  if (valid.length > 0) {
    const apps = valid.map((g) => g.appId).join(', ');
    return {
      outcome: 'confirmed',
      keyIds: valid.flatMap((g) => g.keyIds),
      how: `live token request succeeded as app ${apps}; ${match.how.replace(', unconfirmed', '')}`,
      liveCheck: valid.map(said).join('; '),
    };
  }
  const refused = all.filter((g) => g.check?.verdict === 'invalid' || g.check?.verdict === 'expired');
  const open = all.filter((g) => !refused.includes(g));
  const liveCheck = all.map(said).join('; ');
  if (open.length === 0) {
    const expired = refused.some((g) => g.check?.verdict === 'expired');
    return {
      outcome: expired ? 'stale' : 'invalid',
      keyIds: all.flatMap((g) => g.keyIds),
      how: `the secret no longer works: live token request refused it (${liveCheck}); ${match.how.replace(', unconfirmed', '')}`,
      liveCheck,
    };
  }
  return {
    outcome: 'probable',
    keyIds: open.flatMap((g) => g.keyIds),
    how: `${match.how}; live token request: ${liveCheck}`,
    liveCheck,
  };
}
