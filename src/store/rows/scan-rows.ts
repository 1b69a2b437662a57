import type { SignInScanTable, SignInTable } from '../schema.ts';
import { type PackedSignIns, SIGN_IN_COLUMNS } from './packed-sign-ins.ts';

/** The sign-in columns detections compare, in the order scans read them. */
export const COMPARED_COLUMNS = [
  'id',
  'created_at',
  'service_principal_id',
  'ip_address',
  'asn',
  'as_org',
  'country',
  'hosting',
  'hosting_provider',
  'resource_id',
  'user_agent',
  'credential_type',
  'credential_key_id',
  'federated_credential_id',
  'status_code',
  // Sign-ins may name a certificate by thumbprint only: the removed-credential detection matches it.
  'credential_thumbprint',
] as const satisfies readonly (keyof SignInTable)[];

/**
 * sign_in_scan's columns in the order scan rows carry them (all but the batch number): the compared
 * columns in their places, the principal as a code, then the kind as a number and the tenant.
 */
export const SCAN_COLUMNS: readonly Exclude<keyof SignInScanTable, 'ingest_batch'>[] = [
  ...COMPARED_COLUMNS.map((c) => (c === 'service_principal_id' ? 'principal' : c)),
  'managed_identity',
  'tenant',
];

const WIDTH = SIGN_IN_COLUMNS.length;
const at = (c: (typeof SIGN_IN_COLUMNS)[number]) => SIGN_IN_COLUMNS.indexOf(c);
/**
 * Per scan column, the sign-in column it comes from and how: as it is, as a code (see migration
 * 0014), or the kind as 1 for a managed identity.
 */
const SOURCES: readonly { from: number; as: 'plain' | 'code' | 'managed' }[] = SCAN_COLUMNS.map((c) => {
  switch (c) {
    case 'tenant':
      return { from: at('tenant_id'), as: 'code' };
    case 'principal':
      return { from: at('service_principal_id'), as: 'code' };
    case 'managed_identity':
      return { from: at('kind'), as: 'managed' };
    case 'created_at':
    case 'id':
    case 'status_code':
    case 'ip_address':
    case 'asn':
    case 'hosting':
      return { from: at(c), as: 'plain' };
    default:
      return { from: at(c), as: 'code' };
  }
});

/**
 * Appends the scan rows of the given sign-ins of a pack to `out`, flat in SCAN_COLUMNS order. Text
 * held as a code gets `codeOf`'s; where it has none the text itself goes in and its place is added
 * to `unresolved`, for the caller to put the code there once it has one.
 */
export function appendScanRows(
  pack: PackedSignIns,
  rows: readonly number[],
  codeOf: (value: string) => number | undefined,
  out: unknown[],
  unresolved: number[],
): void {
  const values = pack.values;
  // Per column, the last value coded and its code: neighbouring sign-ins mostly share tenant, network
  // owner, country, client and resource, and comparing text is cheaper than hashing it for a Map.
  const lastValue: unknown[] = [];
  const lastCode: number[] = [];
  for (const row of rows) {
    const base = row * WIDTH;
    for (let i = 0; i < SOURCES.length; i++) {
      const { from, as } = SOURCES[i]!;
      const v = values[base + from] ?? null;
      if (as === 'plain' || v === null) out.push(v);
      else if (as === 'managed') out.push(v === 'managedIdentity' ? 1 : 0);
      else if (v === lastValue[i]) out.push(lastCode[i]);
      else {
        const code = codeOf(v as string);
        if (code === undefined) {
          unresolved.push(out.length);
          out.push(v);
        } else {
          lastValue[i] = v;
          lastCode[i] = code;
          out.push(code);
        }
      }
    }
  }
}
