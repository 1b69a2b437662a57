/** Validated, frozen settings of one Vigil process. */
export interface Config {
  /** `sqlite:<path>` style file path or a `postgres://` URL. */
  databaseUrl: string;
  /** PostgreSQL schema to use (tests isolate themselves with one); null uses the server default. */
  databaseSchema: string | null;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Tenant assigned to records that carry none and to keys created without `--tenant`. */
  defaultTenantId: string;
  /** Largest accepted request body, after decompression, in bytes. */
  bodyLimitBytes: number;
  /** Largest accepted single record (one NDJSON line or one array element), in bytes. */
  maxRecordBytes: number;
  /** Records per store transaction during import. */
  ingestBatchSize: number;
  /** Parse on worker threads (off only for debugging). */
  ingestWorkers: boolean;
  /** Serve /metrics without a bearer token (for scrapers on a trusted network). */
  metricsPublic: boolean;
  /** Seconds between detection runs inside `vigil serve`; 0 turns the schedule off. */
  detectIntervalSeconds: number;
}

/** One setting: its environment variable, file key, default and parser. */
export interface SettingSpec<K extends keyof Config> {
  key: K;
  env: string;
  default: Config[K];
  /** Returns the parsed value or an error message naming what is wrong. */
  parse(raw: unknown): { value: Config[K] } | { error: string };
}
