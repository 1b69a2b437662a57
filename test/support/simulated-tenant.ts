import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../../src/ingest/pipeline.ts';
import type { Store } from '../../src/store/open-store.ts';

/**
 * Imports a tenant written by `simulateTenant` into `out` — its inventory, then every export
 * directory — as an operator would, on the test's thread.
 */
export async function importSimulatedTenant(
  store: Store,
  out: string,
  tenantId: string,
  options: { enrich: boolean },
): Promise<void> {
  const logs = readdirSync(out)
    .filter((e) => e.startsWith('insights-logs-'))
    .map((e) => join(out, e));
  const config = {
    defaultTenantId: tenantId,
    ingestBatchSize: 10_000,
    maxRecordBytes: 256 * 1024,
    bodyLimitBytes: 64 * 1024 * 1024,
    ingestWorkers: false,
  };
  const r = await importFiles([join(out, 'inventory'), ...logs], { store, config, enrich: options.enrich });
  if (r.quarantined > 0) throw new Error(`${r.quarantined} simulated records were quarantined`);
}
