import type { GraphConnection } from '../connectors/graph-connection.ts';

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
  /** Threads a large detection pass may spread its scan over (at most the cores); 0 keeps it on one. */
  detectWorkers: number;
  /** Threat-intelligence feeds Vigil fetches itself. */
  threatIntel: ThreatIntelSettings;
  /** Handling of leaked credentials (`vigil leaks`). */
  leaks: LeakSettings;
  /** PEM certificate chain file to serve HTTPS with; null serves plain HTTP. Set with `tlsKey`. */
  tlsCert: string | null;
  /** PEM private key file of `tlsCert`. */
  tlsKey: string | null;
  /**
   * The URL clients reach the API at (`https://vigil.example.com`), for `@odata.context` and
   * `@odata.nextLink`; null derives it from each request's Host header and protocol.
   */
  publicUrl: string | null;
  /** Serves `GET /bench/hello` without authentication: the reference route of `npm run bench -- api`. */
  benchHelloRoute: boolean;
  /** OIDC issuers whose JWT access tokens the API accepts, besides Vigil API keys. */
  oidcIssuers: readonly OidcIssuerSettings[];
  /** Requests per minute each caller (unauthenticated: each client address) may make; 0 turns limits off. */
  rateLimitPerMinute: number;
  /** Memory for serialized Graph responses served again until their data changes, in bytes; 0 turns it off. */
  responseCacheBytes: number;
  /** Issuers of the workload access tokens `GET /authz/nginx` verifies (the tokens gateways see). */
  workloadIssuers: readonly OidcIssuerSettings[];
  /** Peers (CIDRs) whose `X-Forwarded-For` / `X-Real-IP` name the client address of a decision. */
  trustedProxies: readonly string[];
  /**
   * Conditional Access also for what Entra leaves out of scope (managed identities, multi-tenant
   * apps): `true` for every tenant, a list of tenant ids for those, or `false` (Entra's scope).
   */
  caEnforceOutOfScope: boolean | readonly string[];
  /**
   * Diagnostic settings of the configuration file, for every tenant: `{ name, properties }` as the
   * API takes them; checked against the destination types when `vigil serve` starts.
   */
  diagnosticSettings: readonly { name: string; body: unknown }[];
  /** Seconds between export delivery passes inside `vigil serve`; 0 turns delivery off. */
  exportIntervalSeconds: number;
  /**
   * Connections to tenants' Microsoft Graph (and Key Vault), keyed by lower-case tenant id: a
   * frozen record without a prototype, so `graphConnections[tenantId]` is the tenant's connection
   * or undefined. Certificates and keys are read from their files at load; serialises without secrets.
   */
  graphConnections: Readonly<Record<string, GraphConnection>>;
  /** How the web console signs people in with an OIDC provider; null: API keys only. */
  consoleOidc: ConsoleOidcSettings | null;
}

/** The web console's OIDC sign-in: authorization code with PKCE, as a public client. */
export interface ConsoleOidcSettings {
  /** The provider's name on the sign-in button. */
  issuer: string;
  /** The console's client id at the provider (a public client: no secret). */
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Scopes asked for; the access token they give must be one `oidcIssuers` accepts. */
  scopes: readonly string[];
}

/** An OIDC issuer whose access tokens are accepted. */
export interface OidcIssuerSettings {
  /**
   * The exact `iss` of its tokens, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`; `{tenantid}`
   * in it matches any tenant id, which must then be the token's `tid`.
   */
  issuer: string;
  /** Accepted `aud` values (an App ID URI for v1 tokens, the client id for v2). */
  audience: readonly string[];
  /** Where its signing keys are published (https, or http to this machine). */
  jwksUrl: string;
  /** Binds every token of the issuer to this tenant; null takes the tenant from each token's `tid`. */
  tenantId: string | null;
}

/** Handling of leaked credentials (`vigil leaks`). */
export interface LeakSettings {
  /** Where `vigil leaks … --verify` tries leaked client secrets; null when not configured (the default). */
  verify: LeakVerifySettings | null;
}

/**
 * A token endpoint that leaked client secrets are tried against with a client-credentials request.
 * Opt-in: the request sends the leaked secret to that endpoint.
 */
export interface LeakVerifySettings {
  /** https URL (http only to localhost); `{tenantId}` stands for the tenant whose app is tried. */
  tokenEndpoint: string;
  /** The `scope` of the request, e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  /** Seconds before a request is given up (the leak then stays probable). */
  timeoutSeconds: number;
}

/** Threat-intelligence feeds Vigil fetches itself. */
export interface ThreatIntelSettings {
  /** TAXII 2.1 collections polled for IP indicators. */
  taxii: readonly TaxiiFeedSettings[];
}

/** A TAXII 2.1 collection to poll for IP indicators. Serialises without its secrets. */
export interface TaxiiFeedSettings {
  /** Names the feed: the source of its indicators, `vigil intel poll --name`, its poll state. */
  name: string;
  /** The API root, e.g. `https://cti.example.com/api1/`. */
  url: string;
  collectionId: string;
  /** HTTP Basic credentials, both or neither; or a bearer token. */
  username: string | null;
  password: string | null;
  token: string | null;
  /** Minutes between polls inside `vigil serve`. */
  intervalMinutes: number;
  /** Confidence (0–100) for indicators that state none; null leaves the STIX reader's default. */
  defaultConfidence: number | null;
  /** Indicators stop matching this many days after they became valid, unless they end sooner; null: as stated. */
  validityDays: number | null;
}

/** One setting: its environment variable, file key, default and parser. */
export interface SettingSpec<K extends keyof Config> {
  key: K;
  env: string;
  default: Config[K];
  /** Returns the parsed value or what is wrong with it (one message, or one per problem). */
  parse(raw: unknown): { value: Config[K] } | { error: string | readonly string[] };
  /**
   * For a setting made of several environment variables: reads and parses them, each problem naming
   * its variable; undefined when none of them is set.
   */
  parseEnv?(env: NodeJS.ProcessEnv): { value: Config[K] } | { error: readonly string[] } | undefined;
  /** The value may hold secrets: problems never quote it. */
  secret?: boolean;
}
