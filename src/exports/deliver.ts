import { createHash } from 'node:crypto';
import type { Store } from '../store/open-store.ts';
import { createDiagnosticSettingQueries } from '../store/queries/diagnostic-setting-queries.ts';
import { createExportOutboxQueries, type OutboxPosition } from '../store/queries/export-outbox-queries.ts';
import type { ExportCursorTable, ExportOutboxTable } from '../store/schema.ts';
import type { Destination, DestinationPlugin, ExportCategory } from './destination.ts';
import { type DiagnosticSetting, parseDiagnosticSetting } from './diagnostic-setting.ts';
import { renderRecords } from './render-records.ts';

/** How delivery paces itself. */
export interface DeliveryOptions {
  /** First retry after a failure; doubles per consecutive failure, with jitter. */
  retryBaseMs?: number;
  /** The longest wait between retries. */
  retryCapMs?: number;
  /** Delivered outbox rows are pruned this long after they were queued. */
  keepDeliveredMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  random?: () => number;
}

/** One destination's standing in one category, for `vigil export status` and `/metrics`. */
export interface DestinationStatus {
  setting: string;
  tenantId: string;
  destination: string;
  label: string;
  category: ExportCategory;
  delivered: number;
  pending: number;
  oldestPendingAgeSeconds: number | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  failures: number;
}

interface Worker {
  tenantId: string;
  setting: DiagnosticSetting;
  key: string;
  /** Hash of the destination's settings: a change recreates the live destination. */
  version: string;
  destination: Destination;
  nextAttemptAt: number;
}

/**
 * Drains the export outbox into every destination of every diagnostic setting. Each destination
 * keeps its own cursor per category and moves it only after its destination accepted a batch, so
 * delivery is at least once, in order per category, and resumes after a restart. A destination
 * that fails is retried with exponential backoff and jitter up to a cap, and holds up nothing else.
 */
export function createExportDelivery(
  store: Store,
  plugins: ReadonlyMap<string, DestinationPlugin>,
  options: DeliveryOptions = {},
) {
  const settings = createDiagnosticSettingQueries(store);
  const outbox = createExportOutboxQueries(store);
  const workers = new Map<string, Worker>();
  const base = options.retryBaseMs ?? 1000;
  const cap = options.retryCapMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  let lastPrune = 0;

  const sync = async (): Promise<void> => {
    const seen = new Set<string>();
    for (const stored of await settings.list()) {
      const parsed = parseDiagnosticSetting(stored.name, stored.body, plugins);
      if ('error' in parsed) {
        options.log?.error(
          { setting: stored.name, error: parsed.error.message },
          'a stored diagnostic setting is not valid',
        );
        continue;
      }
      const setting = parsed.setting;
      await settings.keepCursors(
        stored.tenantId,
        setting.name,
        setting.destinations.map((d) => d.key),
      );
      for (const d of setting.destinations) {
        const id = `${stored.tenantId}|${setting.name}|${d.key}`;
        const version = createHash('sha256').update(JSON.stringify(d.settings)).digest('hex');
        seen.add(id);
        const current = workers.get(id);
        if (current && current.version === version) {
          current.setting = setting;
          continue;
        }
        if (current) await current.destination.close().catch(() => {});
        workers.set(id, {
          tenantId: stored.tenantId,
          setting,
          key: d.key,
          version,
          destination: plugins.get(d.type)!.create(d.settings, { settingName: setting.name }),
          nextAttemptAt: 0,
        });
      }
    }
    for (const [id, w] of workers) {
      if (seen.has(id)) continue;
      workers.delete(id);
      await w.destination.close().catch(() => {});
    }
  };

  const cursorOf = async (w: Worker, category: ExportCategory): Promise<ExportCursorTable> => {
    const key = { setting_tenant: w.tenantId, setting_name: w.setting.name, destination: w.key, category };
    const found = await settings.cursor(key);
    if (found) return found;
    // A new destination starts at the oldest row still queued: rows are queued only once a setting
    // exports their category, so nothing queued for this setting before its first pass is skipped
    // (a destination added to a busy category also gets what other destinations took lately).
    const created: ExportCursorTable = {
      ...key,
      batch: 0,
      position: -1,
      delivered: 0,
      label: w.destination.label,
      last_success_at: null,
      last_error: null,
      last_error_at: null,
      failures: 0,
    };
    await settings.saveCursor(created);
    return created;
  };

  /** Renders rows of several tenants (a setting of every tenant) run by run, keeping their order. */
  const render = async (category: ExportCategory, rows: readonly ExportOutboxTable[]) => {
    const records = [];
    let start = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && rows[i]!.tenant_id === rows[start]!.tenant_id) continue;
      records.push(
        ...(await renderRecords(store.db, category, rows[start]!.tenant_id, rows.slice(start, i))),
      );
      start = i;
    }
    return records;
  };

  /** Delivers what waits for one worker; returns false when it failed (and is backing off). */
  const drain = async (w: Worker, stopped: () => boolean): Promise<boolean> => {
    for (const category of w.setting.categories) {
      let cursor = await cursorOf(w, category);
      for (;;) {
        if (stopped()) return true;
        const after: OutboxPosition = { batch: Number(cursor.batch), position: Number(cursor.position) };
        const rows = await outbox.after(
          category,
          w.tenantId === '*' ? null : w.tenantId,
          after,
          w.destination.maxBatch,
        );
        if (rows.length === 0) break;
        const last = rows[rows.length - 1]!;
        try {
          const records = await render(category, rows);
          if (records.length > 0) await w.destination.send(records);
          cursor = {
            ...cursor,
            batch: last.batch,
            position: last.position,
            delivered: Number(cursor.delivered) + records.length,
            label: w.destination.label,
            last_success_at: new Date().toISOString(),
            failures: 0,
          };
          await settings.saveCursor(cursor);
          w.nextAttemptAt = 0;
        } catch (err) {
          const failures = Number(cursor.failures) + 1;
          const wait = Math.min(cap, base * 2 ** Math.min(failures - 1, 20)) * (0.5 + random() / 2);
          w.nextAttemptAt = Date.now() + wait;
          const message = err instanceof Error ? err.message : String(err);
          await settings.saveCursor({
            ...cursor,
            label: w.destination.label,
            failures,
            last_error: message.slice(0, 1000),
            last_error_at: new Date().toISOString(),
          });
          options.log?.warn(
            {
              destination: w.destination.label,
              setting: w.setting.name,
              category,
              failures,
              retryInMs: Math.round(wait),
              error: message,
            },
            'export delivery failed; will retry',
          );
          return false;
        }
        if (rows.length < w.destination.maxBatch) break;
      }
    }
    return true;
  };

  const delivery = {
    /** One pass: picks up setting changes, delivers what waits to every destination not backing off. */
    async runOnce(stopped: () => boolean = () => false): Promise<void> {
      await sync();
      const now = Date.now();
      // Destinations drain side by side: a slow or failing one delays no other.
      await Promise.all(
        [...workers.values()].filter((w) => w.nextAttemptAt <= now).map((w) => drain(w, stopped)),
      );
      if (now - lastPrune > 60_000) {
        lastPrune = now;
        await outbox.prune(new Date(now - (options.keepDeliveredMs ?? 3_600_000)).toISOString());
      }
    },
    /** Every destination's standing per category. */
    async status(): Promise<DestinationStatus[]> {
      const out: DestinationStatus[] = [];
      const now = Date.now();
      for (const c of await settings.cursors()) {
        const p = await outbox.pending(
          c.category as ExportCategory,
          c.setting_tenant === '*' ? null : c.setting_tenant,
          {
            batch: Number(c.batch),
            position: Number(c.position),
          },
        );
        out.push({
          setting: c.setting_name,
          tenantId: c.setting_tenant,
          destination: c.destination,
          label: c.label,
          category: c.category as ExportCategory,
          delivered: Number(c.delivered),
          pending: p.count,
          oldestPendingAgeSeconds:
            p.oldest === null ? null : Math.max(0, Math.round((now - Date.parse(p.oldest)) / 1000)),
          lastSuccessAt: c.last_success_at,
          lastError: c.last_error,
          lastErrorAt: c.last_error_at,
          failures: Number(c.failures),
        });
      }
      return out;
    },
    /** Closes every live destination. */
    async close(): Promise<void> {
      for (const w of workers.values()) await w.destination.close().catch(() => {});
      workers.clear();
    },
  };
  return delivery;
}

/** The delivery engine. */
export type ExportDelivery = ReturnType<typeof createExportDelivery>;
