import type { SignIn } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';

// The columns a detection pass reads, in select order; the others (names, policies, managed identity
// details) are left null in the sign-ins it hands out, which keeps each row a third of its width.
const COLUMNS = [
  'tenant_id',
  'id',
  'kind',
  'created_at',
  'service_principal_id',
  'ip_address',
  'asn',
  'as_org',
  'country',
  'state',
  'city',
  'hosting',
  'hosting_provider',
  'resource_id',
  'user_agent',
  'credential_type',
  'credential_key_id',
  'status_code',
  'request_id',
  'correlation_id',
] as const;

/** The sign-in a scanned row stands for; columns not scanned are null. */
function signInOf(r: readonly unknown[]): SignIn {
  return {
    tenantId: r[0] as string,
    id: r[1] as string,
    kind: r[2] as SignIn['kind'],
    createdAt: r[3] as string,
    servicePrincipalId: r[4] as string,
    servicePrincipalName: null,
    appId: null,
    ipAddress: r[5] as string | null,
    asn: r[6] === null ? null : Number(r[6]),
    asOrg: r[7] as string | null,
    country: r[8] as string | null,
    state: r[9] as string | null,
    city: r[10] as string | null,
    hosting: r[11] === null ? null : Number(r[11]) === 1,
    hostingProvider: r[12] as string | null,
    resourceId: r[13] as string | null,
    resourceName: null,
    resourceServicePrincipalId: null,
    userAgent: r[14] as string | null,
    credentialType: r[15] as SignIn['credentialType'],
    credentialKeyId: r[16] as string | null,
    credentialThumbprint: null,
    federatedCredentialId: null,
    statusCode: Number(r[17]),
    failureReason: null,
    conditionalAccessStatus: null,
    appliedPolicies: null,
    requestId: r[18] as string | null,
    correlationId: r[19] as string | null,
    msiType: null,
    associatedResourceId: null,
  };
}

/** Reads sign-ins for detection passes, in event-time order, without holding them all in memory. */
export function createSignInScanQueries(store: Store) {
  const db = store.db;
  return {
    /**
     * Every sign-in stored by ingest batches after `fromBatch` up to `toBatch` with an event time in
     * [from, to], across principals, in event-time order (ties by id). Returns the number read.
     */
    async newInRange(
      range: { fromBatch: number; toBatch: number; from: string; to: string },
      onSignIn: (s: SignIn) => void,
    ): Promise<number> {
      const query = db
        .selectFrom('sign_ins')
        .select(COLUMNS)
        .where('created_at', '>=', range.from)
        .where('created_at', '<=', range.to)
        .where('ingest_batch', '>', range.fromBatch)
        .where('ingest_batch', '<=', range.toBatch)
        .orderBy('created_at')
        .compile();
      // Ordered by time alone, which the index gives without a sort; rows of the same instant are put
      // in id order here, so the order is total and the same on every run.
      const tied: SignIn[] = [];
      const flush = () => {
        if (tied.length > 1) tied.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        for (const s of tied) onSignIn(s);
        tied.length = 0;
      };
      const n = await store.capabilities.scanRows(query, (rows) => {
        for (const r of rows) {
          const s = signInOf(r);
          if (tied.length > 0 && tied[0]!.createdAt !== s.createdAt) flush();
          tied.push(s);
        }
      });
      flush();
      return n;
    },
    /** One principal's whole history up to `toBatch`, in event-time order: for replays. */
    async historyOf(
      tenantId: string,
      principalId: string,
      toBatch: number,
      onSignIn: (s: SignIn) => void,
    ): Promise<number> {
      const query = db
        .selectFrom('sign_ins')
        .select(COLUMNS)
        .where('service_principal_id', '=', principalId)
        .where('tenant_id', '=', tenantId)
        .where('ingest_batch', '<=', toBatch)
        .orderBy('created_at')
        .orderBy('id')
        .compile();
      return store.capabilities.scanRows(query, (rows) => {
        for (const r of rows) onSignIn(signInOf(r));
      });
    },
  };
}
