import { Gauge, type Registry } from 'prom-client';
import type { DestinationStatus } from '../../exports/deliver.ts';

/**
 * Export delivery gauges, read from the store when scraped: what each destination delivered, what
 * waits, how old the oldest waiting record is, and its consecutive failures.
 */
export function registerExportMetrics(registry: Registry, status: () => Promise<DestinationStatus[]>): void {
  const labelNames = ['setting', 'destination', 'category'] as const;
  let snapshot: Promise<DestinationStatus[]> | null = null;
  // One status read per scrape, shared by the four gauges.
  const current = () => {
    snapshot ??= status().finally(() => {
      setImmediate(() => {
        snapshot = null;
      });
    });
    return snapshot;
  };
  const gauge = (name: string, help: string, value: (s: DestinationStatus) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const s of await current()) {
          const v = value(s);
          if (v !== null) this.set({ setting: s.setting, destination: s.label, category: s.category }, v);
        }
      },
    });
  gauge(
    'vigil_export_delivered_records',
    'Records a destination has accepted, per category.',
    (s) => s.delivered,
  );
  gauge('vigil_export_pending_records', 'Records waiting for a destination, per category.', (s) => s.pending);
  gauge(
    'vigil_export_oldest_pending_seconds',
    'Age of the oldest record waiting for a destination.',
    (s) => s.oldestPendingAgeSeconds,
  );
  gauge(
    'vigil_export_consecutive_failures',
    'Failed delivery attempts since the last success.',
    (s) => s.failures,
  );
}
