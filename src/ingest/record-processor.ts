import type { IngestCounts, InputFormat, QuarantinedRecord } from '../domain/index.ts';
import type { IpIntel } from '../enrich/ip-intel.ts';
import { batchSize, emptyBatch, type IngestBatch } from '../store/queries/ingest-queries.ts';
import { packSignIn } from '../store/rows/packed-sign-ins.ts';
import { enrichSignIn } from './enrich-sign-in.ts';
import { parseRecord } from './formats/parse-record.ts';
import { clipForQuarantine, type FrameSink } from './frame-records.ts';

/** Counts a processor adds up before the store has seen the records (stored/duplicates come later). */
export type ReadCounts = Pick<IngestCounts, 'read' | 'skipped' | 'quarantined'>;

/** Settings of one processor: one source (file, stdin or request) at a time. */
export interface RecordProcessorOptions {
  /** Tenant for records that name none. */
  tenantId: string;
  /** When set, records of any other tenant are quarantined (push ingest with a tenant-bound key). */
  boundTenantId?: string;
  intel: IpIntel | null;
  batchSize: number;
  /** Receives each full batch, with the counts of what was read into it. */
  emit(batch: IngestBatch, counts: ReadCounts, formats: Partial<Record<InputFormat, number>>): void;
}

/** Turns framed records into normalised, enriched store batches; bad records become quarantine rows. */
export function createRecordProcessor(options: RecordProcessorOptions) {
  let batch = emptyBatch();
  let counts: ReadCounts = { read: 0, skipped: 0, quarantined: 0 };
  let formats: Partial<Record<InputFormat, number>> = {};
  let source = '';
  const ctx = { tenantId: options.tenantId };

  const flush = () => {
    if (batchSize(batch) === 0 && counts.read === 0) return;
    options.emit(batch, counts, formats);
    batch = emptyBatch();
    counts = { read: 0, skipped: 0, quarantined: 0 };
    formats = {};
  };

  const quarantine = (
    reason: string,
    line: number | null,
    path: string | null,
    text: string,
    format: InputFormat | null,
    tenantId: string,
  ) => {
    const q: QuarantinedRecord = { tenantId, source, line, path, format, reason, text };
    batch.quarantine.push(q);
    counts.quarantined++;
  };

  const sink: FrameSink = {
    item(value, line, path, text) {
      counts.read++;
      const outcome = parseRecord(value, ctx);
      if (outcome.kind === 'record') {
        formats[outcome.format] = (formats[outcome.format] ?? 0) + 1;
        const r = outcome.record;
        const tenantId = r.value.tenantId;
        if (options.boundTenantId !== undefined && tenantId !== options.boundTenantId) {
          quarantine(
            `record belongs to tenant ${tenantId}, but this key is bound to tenant ${options.boundTenantId}`,
            line,
            path,
            clipForQuarantine(text ?? JSON.stringify(value)),
            outcome.format,
            options.boundTenantId,
          );
        } else if (r.type === 'signIn') {
          if (options.intel !== null) enrichSignIn(r.value, options.intel);
          packSignIn(batch.signIns, r.value);
        } else if (r.type === 'audit') {
          batch.audits.push({ audit: r.value, credentialChanges: r.credentialChanges });
        } else if (r.type === 'servicePrincipal') {
          batch.principals.push(r.value);
          for (const c of r.credentials) batch.credentials.push(c);
        } else {
          batch.applications.push(r.value);
          for (const c of r.credentials) batch.credentials.push(c);
        }
      } else if (outcome.kind === 'skipped') {
        counts.skipped++;
      } else {
        quarantine(
          outcome.reason,
          line,
          path,
          clipForQuarantine(text ?? safeStringify(value)),
          outcome.format,
          options.boundTenantId ?? options.tenantId,
        );
      }
      if (batchSize(batch) >= options.batchSize) flush();
    },
    bad(reason, line, path, text) {
      counts.read++;
      quarantine(reason, line, path, text, null, options.boundTenantId ?? options.tenantId);
      if (batchSize(batch) >= options.batchSize) flush();
    },
  };

  return {
    sink,
    /** Names the source that following records come from (file path, `-`, `request:<id>`). */
    setSource(name: string) {
      source = name;
    },
    /** Emits whatever is pending. */
    flush,
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
