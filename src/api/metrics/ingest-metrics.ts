import { Counter, Registry } from 'prom-client';
import type { IngestCounts, InputFormat } from '../../domain/index.ts';

/** Prometheus metrics of one process, in a registry of its own (tests build many apps). */
export function createIngestMetrics() {
  const registry = new Registry();
  const records = new Counter({
    name: 'vigil_ingest_records_total',
    help: 'Records read by ingest, by outcome (stored, duplicate, skipped, quarantined).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const byFormat = new Counter({
    name: 'vigil_ingest_records_by_format_total',
    help: 'Records recognised by ingest, by input format.',
    labelNames: ['format'] as const,
    registers: [registry],
  });
  for (const o of ['stored', 'duplicate', 'skipped', 'quarantined']) records.inc({ outcome: o }, 0);
  return {
    registry,
    /** Adds the counts of one committed batch. */
    observe(c: IngestCounts, formats: Partial<Record<InputFormat, number>>): void {
      if (c.stored) records.inc({ outcome: 'stored' }, c.stored);
      if (c.duplicates) records.inc({ outcome: 'duplicate' }, c.duplicates);
      if (c.skipped) records.inc({ outcome: 'skipped' }, c.skipped);
      if (c.quarantined) records.inc({ outcome: 'quarantined' }, c.quarantined);
      for (const [f, n] of Object.entries(formats)) if (n) byFormat.inc({ format: f }, n);
    },
  };
}
