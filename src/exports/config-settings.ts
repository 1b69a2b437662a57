import type { Config } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import { createDiagnosticSettingQueries } from '../store/queries/diagnostic-setting-queries.ts';
import type { DestinationPlugin } from './destination.ts';
import { parseDiagnosticSetting } from './diagnostic-setting.ts';

/**
 * Makes the store's file-defined settings (tenant `*`) those of the configuration: checks each one
 * first, so a bad setting stops the start with its field named instead of exporting half of it.
 */
export async function syncConfigSettings(
  store: Store,
  config: Pick<Config, 'diagnosticSettings'>,
  plugins: ReadonlyMap<string, DestinationPlugin>,
): Promise<void> {
  const checked = config.diagnosticSettings.map((s, i) => {
    const parsed = parseDiagnosticSetting(s.name, s.body, plugins);
    if ('error' in parsed) throw new Error(`diagnosticSettings[${i}] (${s.name}): ${parsed.error.message}`);
    return { raw: s, setting: parsed.setting };
  });
  const queries = createDiagnosticSettingQueries(store);
  const wanted = new Set(checked.map((c) => c.setting.name));
  for (const s of await queries.list('*')) {
    if (s.tenantId === '*' && s.source === 'config' && !wanted.has(s.name)) await queries.remove('*', s.name);
  }
  const now = new Date().toISOString();
  for (const { raw, setting } of checked) {
    await queries.put(
      { tenantId: '*', name: setting.name, body: raw.body, source: 'config' },
      setting.categories,
      now,
    );
  }
}
