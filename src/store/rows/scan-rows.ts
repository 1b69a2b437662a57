import type { SignInScanTable } from '../schema.ts';
import { type PackedSignIns, packedValue, SIGN_IN_COLUMNS } from './packed-sign-ins.ts';

/** sign_in_scan's columns in the order scan rows carry them (everything but the batch number). */
export const SCAN_COLUMNS = [
  'created_at',
  'tenant',
  'principal',
  'id',
  'managed_identity',
  'status_code',
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
  'credential_thumbprint',
] as const satisfies readonly Exclude<keyof SignInScanTable, 'ingest_batch'>[];

const at = (c: (typeof SIGN_IN_COLUMNS)[number]) => SIGN_IN_COLUMNS.indexOf(c);
const CREATED_AT = at('created_at');
const ID = at('id');
const KIND = at('kind');
const STATUS = at('status_code');
const IP = at('ip_address');
const ASN = at('asn');
const HOSTING = at('hosting');
/** Sign-in columns held as codes, in scan-row order after the plain ones. */
const CODED_AFTER_TENANT = [at('tenant_id'), at('service_principal_id')] as const;
const CODED_TAIL = [
  at('as_org'),
  at('country'),
  at('hosting_provider'),
  at('resource_id'),
  at('user_agent'),
  at('credential_type'),
  at('credential_key_id'),
  at('federated_credential_id'),
  at('credential_thumbprint'),
] as const;
const CODED = [...CODED_AFTER_TENANT, ...CODED_TAIL];

/** The text values of the given rows that scan rows hold as codes. */
export function codedValuesOf(pack: PackedSignIns, rows: readonly number[], into: Set<string>): void {
  for (const row of rows) {
    for (const c of CODED) {
      const v = packedValue(pack, row, c);
      if (typeof v === 'string') into.add(v);
    }
  }
}

/**
 * Appends the scan rows of the given sign-ins of a pack to `out` (flat, in SCAN_COLUMNS order), with
 * the codes of their text values; every such value must be in `codes`.
 */
export function appendScanRows(
  pack: PackedSignIns,
  rows: readonly number[],
  codes: ReadonlyMap<string, number>,
  out: unknown[],
): void {
  const code = (row: number, c: number): number | null => {
    const v = packedValue(pack, row, c);
    if (v === null || v === undefined) return null;
    const n = codes.get(v as string);
    if (n === undefined) throw new Error(`no code for sign-in value ${JSON.stringify(v)}`);
    return n;
  };
  for (const row of rows) {
    const hosting = packedValue(pack, row, HOSTING);
    out.push(
      packedValue(pack, row, CREATED_AT),
      code(row, CODED_AFTER_TENANT[0]),
      code(row, CODED_AFTER_TENANT[1]),
      packedValue(pack, row, ID),
      packedValue(pack, row, KIND) === 'managedIdentity' ? 1 : 0,
      packedValue(pack, row, STATUS),
      packedValue(pack, row, IP) ?? null,
      packedValue(pack, row, ASN) ?? null,
    );
    out.push(code(row, CODED_TAIL[0]), code(row, CODED_TAIL[1]), hosting ?? null);
    for (let i = 2; i < CODED_TAIL.length; i++) out.push(code(row, CODED_TAIL[i]!));
  }
}
