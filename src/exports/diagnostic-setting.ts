import {
  type DestinationPlugin,
  type ExportCategory,
  exportCategories,
  type SettingError,
} from './destination.ts';

/** One destination of a setting: its plugin type, its key within the setting, its checked settings. */
export interface SettingDestination {
  type: string;
  /** `<type>#<index>`: stays the same when the destination's details are edited, so delivery resumes. */
  key: string;
  settings: unknown;
}

/** A checked diagnostic setting. */
export interface DiagnosticSetting {
  name: string;
  categories: ExportCategory[];
  destinations: SettingDestination[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_DESTINATIONS = 10;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, message: string): { error: SettingError } {
  return { error: { field, message: `${field}: ${message}` } };
}

/**
 * Checks a diagnostic setting as Azure shapes one — `{ "properties": { "logs": [{ "category":
 * "RiskyServicePrincipals", "enabled": true }], "destinations": [{ "type": "storage", … }] } }` —
 * with each destination checked by its plugin. Every problem names its field.
 */
export function parseDiagnosticSetting(
  name: string,
  body: unknown,
  plugins: ReadonlyMap<string, DestinationPlugin>,
): { setting: DiagnosticSetting } | { error: SettingError } {
  if (!NAME.test(name))
    return fail('name', 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  if (!isObject(body)) return fail('body', 'must be a JSON object with "properties"');
  for (const k of Object.keys(body)) {
    if (!['properties', 'name', 'id'].includes(k))
      return fail(k, 'is not a property of a diagnostic setting');
  }
  if (body.name !== undefined && body.name !== name)
    return fail('name', `must equal the name in the URL ("${name}")`);
  const p = body.properties;
  if (!isObject(p)) return fail('properties', 'must be an object with "logs" and "destinations"');
  for (const k of Object.keys(p)) {
    if (!['logs', 'destinations'].includes(k))
      return fail(`properties.${k}`, 'is not a property of a diagnostic setting');
  }
  if (!Array.isArray(p.logs) || p.logs.length === 0)
    return fail('properties.logs', 'must list at least one category');
  const categories = new Set<ExportCategory>();
  for (const [i, log] of p.logs.entries()) {
    const field = `properties.logs[${i}]`;
    if (!isObject(log)) return fail(field, 'must be {"category": …, "enabled": true|false}');
    for (const k of Object.keys(log)) {
      if (!['category', 'enabled', 'retentionPolicy', 'categoryGroup'].includes(k))
        return fail(`${field}.${k}`, 'is not supported');
    }
    if (!exportCategories.includes(log.category as ExportCategory)) {
      return fail(`${field}.category`, `must be one of ${exportCategories.join(', ')}`);
    }
    if (log.enabled !== undefined && typeof log.enabled !== 'boolean')
      return fail(`${field}.enabled`, 'must be true or false');
    if (log.enabled !== false) categories.add(log.category as ExportCategory);
  }
  if (categories.size === 0) return fail('properties.logs', 'enables no category');
  if (!Array.isArray(p.destinations) || p.destinations.length === 0) {
    return fail('properties.destinations', 'must list at least one destination');
  }
  if (p.destinations.length > MAX_DESTINATIONS)
    return fail('properties.destinations', `at most ${MAX_DESTINATIONS}`);
  const destinations: SettingDestination[] = [];
  for (const [i, d] of p.destinations.entries()) {
    const field = `properties.destinations[${i}]`;
    if (!isObject(d)) return fail(field, 'must be an object with a "type"');
    const plugin = typeof d.type === 'string' ? plugins.get(d.type) : undefined;
    if (!plugin) return fail(`${field}.type`, `must be one of ${[...plugins.keys()].join(', ')}`);
    const { type: _type, ...rest } = d;
    const parsed = plugin.parse(rest, field);
    if ('error' in parsed) return { error: parsed.error };
    destinations.push({ type: plugin.type, key: `${plugin.type}#${i}`, settings: parsed.settings });
  }
  return { setting: { name, categories: [...categories], destinations } };
}

/** The setting as the API shows it: Azure's shape, every destination's secrets redacted. */
export function settingJson(
  setting: DiagnosticSetting,
  plugins: ReadonlyMap<string, DestinationPlugin>,
): Record<string, unknown> {
  return {
    id: `/diagnosticSettings/${setting.name}`,
    name: setting.name,
    properties: {
      logs: exportCategories.map((category) => ({
        category,
        enabled: setting.categories.includes(category),
      })),
      destinations: setting.destinations.map((d) => ({
        type: d.type,
        ...plugins.get(d.type)!.redact(d.settings),
      })),
    },
  };
}
