import { type CredentialStatus, credentialStatus } from '../credentials/credential-status.ts';
import type { Credential } from '../domain/index.ts';
import type { Store } from '../store/open-store.ts';
import { createInventoryQueries } from '../store/queries/inventory-queries.ts';

/** One credential of a principal or its application, with its use. */
export interface InventoriedCredential {
  objectType: 'servicePrincipal' | 'application';
  objectId: string;
  keyId: string;
  type: Credential['type'];
  displayName: string | null;
  hint: string | null;
  thumbprint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  addedDateTime: string | null;
  addedBy: string | null;
  removedDateTime: string | null;
  removedBy: string | null;
  lastUsedDateTime: string | null;
  /** Successful sign-ins that used it. */
  signIns: number;
  status: CredentialStatus;
}

/** A principal's credential inventory: its own and its application's, current and removed. */
export interface CredentialInventory {
  servicePrincipalId: string;
  appId: string | null;
  applicationId: string | null;
  generatedDateTime: string;
  value: InventoriedCredential[];
}

/**
 * Every password, key and federated credential of a service principal and of its application,
 * with who added it and when (from the audit log), when it last signed in (from sign-ins carrying
 * its key id or thumbprint) and its status. Null when the inventory does not know the principal.
 */
export async function credentialInventory(
  store: Store,
  tenantId: string,
  principalId: string,
  now: string,
): Promise<CredentialInventory | null> {
  const inventory = createInventoryQueries(store);
  const principal = await inventory.getPrincipal(tenantId, principalId);
  if (!principal) return null;
  const application = principal.appId
    ? await inventory.applicationOfAppId(tenantId, principal.appId)
    : undefined;
  const held = [
    ...(await inventory.credentialsOf(tenantId, principalId)),
    ...(application ? await inventory.credentialsOf(tenantId, application.id) : []),
  ];
  const byKey = new Map<string, { last: string; n: number }>();
  const byThumbprint = new Map<string, { last: string; n: number }>();
  for (const u of await inventory.credentialUse(tenantId, principalId)) {
    for (const [map, key] of [
      [byKey, u.keyId?.toLowerCase()],
      [byThumbprint, u.thumbprint?.toUpperCase()],
    ] as const) {
      if (!key) continue;
      const seen = map.get(key);
      map.set(key, {
        last: seen && seen.last > u.lastUsedAt ? seen.last : u.lastUsedAt,
        n: (seen?.n ?? 0) + u.signIns,
      });
    }
  }
  const value = held.map((c): InventoriedCredential => {
    // A sign-in names a certificate by key id or by thumbprint: either finds its use.
    const use =
      byKey.get(c.keyId.toLowerCase()) ??
      (c.thumbprint ? byThumbprint.get(c.thumbprint.toUpperCase()) : undefined);
    const lastUsed = use?.last ?? null;
    return {
      objectType: c.ownerType,
      objectId: c.ownerId,
      keyId: c.keyId,
      type: c.type,
      displayName: c.displayName,
      hint: c.hint,
      thumbprint: c.thumbprint,
      startDateTime: c.startDateTime,
      endDateTime: c.endDateTime,
      addedDateTime: c.addedAt,
      addedBy: c.addedBy,
      removedDateTime: c.removedAt,
      removedBy: c.removedBy,
      lastUsedDateTime: lastUsed,
      signIns: use?.n ?? 0,
      status: credentialStatus(c, lastUsed, now),
    };
  });
  value.sort((a, b) =>
    (b.addedDateTime ?? b.startDateTime ?? '').localeCompare(a.addedDateTime ?? a.startDateTime ?? ''),
  );
  return {
    servicePrincipalId: principalId,
    appId: principal.appId,
    applicationId: application?.id ?? null,
    generatedDateTime: now,
    value,
  };
}
