import type { DirectoryAudit } from './directory-audit.ts';
import type { Application, Credential, CredentialChange, ServicePrincipal } from './inventory.ts';
import type { SignIn } from './sign-in.ts';

/** Input formats Vigil recognises, per record. */
export type InputFormat =
  | 'entraDiagnostic'
  | 'logAnalytics'
  | 'graphSignIn'
  | 'graphDirectoryAudit'
  | 'graphServicePrincipal'
  | 'graphApplication';

/** A normalised record ready for the store. */
export type IngestRecord =
  | { type: 'signIn'; value: SignIn }
  | { type: 'audit'; value: DirectoryAudit; credentialChanges: CredentialChange[] }
  | { type: 'servicePrincipal'; value: ServicePrincipal; credentials: Credential[] }
  | { type: 'application'; value: Application; credentials: Credential[] };

/** Where a record came from, for quarantine and error messages. */
export interface RecordSource {
  /** File path, `-` for standard input, or `request:<id>` for pushed bodies. */
  source: string;
  /** 1-based line number in NDJSON input, or null. */
  line: number | null;
  /** JSON pointer-ish path inside a document (`records[3]`, `value[12]`), or null. */
  path: string | null;
}

/** A record that could not be used, with the reason and as much of its text as is safe to keep. */
export interface QuarantinedRecord extends RecordSource {
  tenantId: string;
  format: InputFormat | null;
  reason: string;
  /** The record text, truncated to a bound. */
  text: string;
}

/** What one parse of one raw record produced. */
export type ParseOutcome =
  | { kind: 'record'; format: InputFormat; record: IngestRecord }
  | { kind: 'skipped'; format: InputFormat | null; category: string }
  | { kind: 'quarantined'; format: InputFormat | null; reason: string };

/** Counts every import and push reports. */
export interface IngestCounts {
  read: number;
  stored: number;
  duplicates: number;
  skipped: number;
  quarantined: number;
}
