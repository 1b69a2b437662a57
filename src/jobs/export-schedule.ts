import { randomUUID } from 'node:crypto';
import type { DeliveryOptions } from '../exports/deliver.ts';
import { createExportDelivery } from '../exports/deliver.ts';
import type { DestinationPlugin } from '../exports/destination.ts';
import type { Store } from '../store/open-store.ts';
import { createLeaseQueries } from '../store/queries/lease-queries.ts';
import { startPeriodic } from './periodic.ts';

const LEASE = 'export-delivery';

/**
 * Delivers exports inside the server every `intervalMs`. One process at a time holds the lease, so
 * two servers sharing a PostgreSQL database never deliver the same rows side by side; the other
 * takes over when the holder stops renewing it.
 */
export function startExportSchedule(
  store: Store,
  plugins: ReadonlyMap<string, DestinationPlugin>,
  options: DeliveryOptions & { intervalMs?: number; onError?(err: unknown): void } = {},
) {
  const delivery = createExportDelivery(store, plugins, options);
  const leases = createLeaseQueries(store);
  const holder = randomUUID();
  const intervalMs = options.intervalMs ?? 1000;
  const periodic = startPeriodic(async (stopped) => {
    try {
      const at = new Date();
      const until = new Date(at.getTime() + Math.max(30 * intervalMs, 30_000)).toISOString();
      if (!(await leases.acquire(LEASE, holder, at.toISOString(), until))) return;
      await delivery.runOnce(stopped);
    } catch (err) {
      options.onError?.(err);
    }
  }, intervalMs);
  return {
    delivery,
    /** Stops, waits for a pass in progress, closes the destinations and gives the lease up. */
    async stop(): Promise<void> {
      await periodic.stop();
      await delivery.close();
      await leases.release(LEASE, holder).catch(() => {});
    },
  };
}
