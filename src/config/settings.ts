import { parseCidr } from '../enrich/parse-cidr.ts';
import { consoleOidcFromEnv, parseConsoleOidc } from './parse-console-oidc-settings.ts';
import { parseGraphConnections } from './parse-graph-connections.ts';
import { leakSettingsFromEnv, parseLeakSettings } from './parse-leak-settings.ts';
import { oidcIssuersFromEnv, parseOidcIssuers, workloadIssuersFromEnv } from './parse-oidc-settings.ts';
import { parseThreatIntelSettings, threatIntelFromEnv } from './parse-threat-intel-settings.ts';
import type { Config, SettingSpec } from './schema.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function text(raw: unknown): { value: string } | { error: string } {
  if (typeof raw === 'string' && raw.trim() !== '') return { value: raw.trim() };
  return { error: 'must be a non-empty string' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function optionalText(raw: unknown): { value: string | null } | { error: string } {
  if (raw === null || raw === '') return { value: null };
  return text(raw);
}

function integer(min: number, max: number) {
  return (raw: unknown): { value: number } | { error: string } => {
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return { value: n };
    return { error: `must be a whole number from ${min} to ${max}` };
  };
}

function flag(raw: unknown): { value: boolean } | { error: string } {
  if (typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return { value: true };
    if (['0', 'false', 'no', 'off'].includes(v)) return { value: false };
  }
  return { error: 'must be true or false' };
}

function spec<K extends keyof Config>(s: SettingSpec<K>): SettingSpec<K> {
  return s;
}

/** Every setting Vigil reads, in the order they are reported. */
export const settings = [
  spec({
    key: 'databaseUrl',
    env: 'VIGIL_DATABASE_URL',
    default: './data/vigil.db',
    // A PostgreSQL URL may carry a password: a problem with it never quotes the value.
    secret: true,
    parse(raw) {
      const r = text(raw);
      if ('error' in r) return r;
      const v = r.value;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !/^postgres(ql)?:\/\//i.test(v) && !v.startsWith('sqlite:')) {
        return { error: 'must be a file path, a sqlite: URL or a postgres:// URL' };
      }
      return { value: v };
    },
  }),
  spec({
    key: 'databaseSchema',
    env: 'VIGIL_DATABASE_SCHEMA',
    default: null,
    parse(raw) {
      if (raw === null) return { value: null };
      if (typeof raw === 'string' && /^[a-z_][a-z0-9_]{0,62}$/.test(raw)) return { value: raw };
      return { error: 'must be a lower-case SQL identifier (letters, digits, _)' };
    },
  }),
  spec({ key: 'host', env: 'VIGIL_HOST', default: '127.0.0.1', parse: text }),
  spec({ key: 'port', env: 'VIGIL_PORT', default: 8080, parse: integer(0, 65535) }),
  spec({
    key: 'logLevel',
    env: 'VIGIL_LOG_LEVEL',
    default: 'info',
    parse(raw) {
      const v = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
      const found = LOG_LEVELS.find((l) => l === v);
      return found ? { value: found } : { error: `must be one of ${LOG_LEVELS.join(', ')}` };
    },
  }),
  spec({
    key: 'defaultTenantId',
    env: 'VIGIL_TENANT_ID',
    default: '00000000-0000-0000-0000-000000000000',
    parse(raw) {
      if (typeof raw === 'string' && GUID.test(raw.trim())) return { value: raw.trim().toLowerCase() };
      return { error: 'must be a tenant id (GUID)' };
    },
  }),
  spec({
    key: 'bodyLimitBytes',
    env: 'VIGIL_BODY_LIMIT_BYTES',
    default: 64 * 1024 * 1024,
    parse: integer(1024, 1024 * 1024 * 1024),
  }),
  spec({
    key: 'maxRecordBytes',
    env: 'VIGIL_MAX_RECORD_BYTES',
    default: 256 * 1024,
    parse: integer(1024, 64 * 1024 * 1024),
  }),
  // Large batches: a commit writes every index page the batch touched, and with random GUID keys
  // that is most of them, so ten thousand rows cost little more to commit than two thousand.
  spec({
    key: 'ingestBatchSize',
    env: 'VIGIL_INGEST_BATCH_SIZE',
    default: 10_000,
    parse: integer(1, 50_000),
  }),
  spec({ key: 'ingestWorkers', env: 'VIGIL_INGEST_WORKERS', default: true, parse: flag }),
  spec({ key: 'metricsPublic', env: 'VIGIL_METRICS_PUBLIC', default: false, parse: flag }),
  // A large detection pass spreads its scan over this many threads at most (never more than the
  // machine has cores); 0 keeps it on the main thread.
  spec({ key: 'detectWorkers', env: 'VIGIL_DETECT_WORKERS', default: 4, parse: integer(0, 64) }),
  spec({
    key: 'detectIntervalSeconds',
    env: 'VIGIL_DETECT_INTERVAL_SECONDS',
    default: 300,
    parse: integer(0, 86_400),
  }),
  // TAXII collections: a list in the config file, or a single one from VIGIL_TAXII_* variables.
  spec({
    key: 'threatIntel',
    env: 'VIGIL_TAXII_URL',
    default: Object.freeze({ taxii: Object.freeze([]) }),
    parse: parseThreatIntelSettings,
    parseEnv: threatIntelFromEnv,
    secret: true,
  }),
  // Live checks of leaked client secrets: off unless a token endpoint is configured.
  spec({
    key: 'leaks',
    env: 'VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT',
    default: Object.freeze({ verify: null }),
    parse: parseLeakSettings,
    parseEnv: leakSettingsFromEnv,
    secret: true,
  }),
  spec({ key: 'tlsCert', env: 'VIGIL_TLS_CERT', default: null, parse: optionalText }),
  spec({ key: 'tlsKey', env: 'VIGIL_TLS_KEY', default: null, parse: optionalText }),
  spec({
    key: 'publicUrl',
    env: 'VIGIL_PUBLIC_URL',
    default: null,
    parse(raw) {
      if (raw === null || raw === '') return { value: null };
      if (typeof raw === 'string' && /^https?:\/\/[^/?#\s]+\/?$/i.test(raw.trim()))
        return { value: raw.trim().replace(/\/$/, '') };
      return { error: 'must be an http(s) URL of scheme and host only, e.g. https://vigil.example.com' };
    },
  }),
  spec({ key: 'benchHelloRoute', env: 'VIGIL_BENCH_HELLO_ROUTE', default: false, parse: flag }),
  // OIDC issuers: a list in the config file, or a single one from VIGIL_OIDC_* variables.
  spec({
    key: 'oidcIssuers',
    env: 'VIGIL_OIDC_ISSUER',
    default: Object.freeze([]),
    parse: parseOidcIssuers,
    parseEnv: oidcIssuersFromEnv,
    // Nothing secret, but each problem names its issuer and field: quoting the whole list adds noise.
    secret: true,
  }),
  spec({
    key: 'rateLimitPerMinute',
    env: 'VIGIL_RATE_LIMIT_PER_MINUTE',
    default: 6000,
    parse: integer(0, 10_000_000),
  }),
  // A few thousand pages of 100 detections: the queries consoles and connectors keep asking.
  spec({
    key: 'responseCacheBytes',
    env: 'VIGIL_RESPONSE_CACHE_BYTES',
    default: 64 * 1024 * 1024,
    parse: integer(0, 16 * 1024 * 1024 * 1024),
  }),
  // Workload token issuers for the decision point: a list in the file, or one from VIGIL_AUTHZ_*.
  spec({
    key: 'workloadIssuers',
    env: 'VIGIL_AUTHZ_ISSUER',
    default: Object.freeze([]),
    parse: parseOidcIssuers,
    parseEnv: workloadIssuersFromEnv,
    secret: true,
  }),
  spec({
    key: 'trustedProxies',
    env: 'VIGIL_TRUSTED_PROXIES',
    default: Object.freeze(['127.0.0.1/32', '::1/128']),
    parse(raw) {
      const list =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : raw;
      if (!Array.isArray(list))
        return { error: 'must be a list of CIDRs (comma-separated in the environment)' };
      const bad = list.filter((c) => typeof c !== 'string' || parseCidr(c) === null);
      if (bad.length > 0) return { error: `not a CIDR: ${bad.map((b) => JSON.stringify(b)).join(', ')}` };
      return { value: Object.freeze([...(list as string[])]) };
    },
  }),
  spec({
    key: 'caEnforceOutOfScope',
    env: 'VIGIL_CA_ENFORCE_OUT_OF_SCOPE',
    default: false,
    parse(raw) {
      const asFlag = flag(raw);
      if ('value' in asFlag) return asFlag;
      const list =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : raw;
      if (Array.isArray(list) && list.length > 0 && list.every((t) => typeof t === 'string' && GUID.test(t)))
        return { value: Object.freeze(list.map((t: string) => t.toLowerCase())) };
      return { error: 'must be true, false or a list of tenant ids' };
    },
  }),
  // Only in the file: a list of settings as the API takes them, each with its name.
  spec({
    key: 'diagnosticSettings',
    env: 'VIGIL_DIAGNOSTIC_SETTINGS',
    default: Object.freeze([]),
    secret: true,
    parse(raw) {
      const list = typeof raw === 'string' ? safeJson(raw) : raw;
      if (!Array.isArray(list)) return { error: 'must be a list of {"name": …, "properties": …}' };
      const out: { name: string; body: unknown }[] = [];
      const problems: string[] = [];
      list.forEach((s, i) => {
        if (typeof s !== 'object' || s === null || typeof (s as { name?: unknown }).name !== 'string') {
          problems.push(`[${i}]: must be an object with a "name"`);
          return;
        }
        const { name, ...body } = s as { name: string };
        out.push({ name, body });
      });
      return problems.length > 0 ? { error: problems } : { value: Object.freeze(out) };
    },
  }),
  spec({
    key: 'exportIntervalSeconds',
    env: 'VIGIL_EXPORT_INTERVAL_SECONDS',
    default: 1,
    parse: integer(0, 3600),
  }),
  // The console's OIDC sign-in: an object in the config file, or VIGIL_CONSOLE_OIDC_* variables.
  spec({
    key: 'consoleOidc',
    env: 'VIGIL_CONSOLE_OIDC_CLIENT_ID',
    default: null,
    parse: parseConsoleOidc,
    parseEnv: consoleOidcFromEnv,
    secret: true,
  }),
  // Tenants whose directory Vigil may change itself; without one, remediation shows the requests.
  spec({
    key: 'graphConnections',
    env: 'VIGIL_GRAPH_CONNECTIONS',
    default: Object.freeze(Object.create(null)),
    parse: (raw) => parseGraphConnections(raw),
    secret: true,
  }),
] as const;
