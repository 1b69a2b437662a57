import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_GRAPH_BASE_URL } from '../connectors/directory-requests.ts';
import { DEFAULT_AUTHORITY_HOST, type GraphConnection } from '../connectors/graph-connection.ts';
import { present, textFields } from './field-readers.ts';
import type { Parsed } from './parse-threat-intel-settings.ts';

/** Graph connections by lower-case tenant id: a frozen record without a prototype. */
export type GraphConnections = Readonly<Record<string, GraphConnection>>;

const CONNECTION_FIELDS = [
  'tenantId',
  'clientId',
  'clientSecret',
  'certificateFile',
  'privateKeyFile',
  'certificatePem',
  'privateKeyPem',
  'authorityHost',
  'graphBaseUrl',
] as const;
type ConnectionField = (typeof CONNECTION_FIELDS)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const PRIVATE_KEY_BLOCK =
  /-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |ENCRYPTED )?PRIVATE KEY-----/;

/** Reads a file as text; tests give their own. */
export type ReadTextFile = (path: string) => string;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// Secrets stay out of logs and JSON dumps of the configuration, whoever writes them.
function redactingToJson(this: GraphConnection) {
  return {
    ...this,
    ...(this.clientSecret === undefined ? {} : { clientSecret: '[redacted]' }),
    ...(this.privateKeyPem === undefined ? {} : { privateKeyPem: '[redacted]' }),
  };
}

/** An origin-only http(s) URL, or null with the problem pushed; plain http only to this machine. */
function originOf(text: string, label: string, problems: string[]): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`${label}: must be an absolute http(s) URL`);
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`${label}: must be an http(s) URL`);
  } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    // Client secrets and bearer tokens travel to it.
    problems.push(`${label}: must be https (plain http only to localhost)`);
  } else if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push(`${label}: must not carry credentials, a query or a fragment`);
  } else if (url.pathname.replace(/\/+$/, '') !== '') {
    problems.push(`${label}: must be scheme and host only, e.g. https://login.microsoftonline.com`);
  } else return url.origin;
  return null;
}

/**
 * Reads one connection. The certificate and key come from files (read now) or inline PEM; a
 * certificate file may hold the key too. Every problem is pushed, naming its field.
 */
function parseConnection(
  tenantKey: string,
  raw: Record<string, unknown>,
  readFile: ReadTextFile,
  problems: string[],
): GraphConnection | null {
  const before = problems.length;
  const label = (field: ConnectionField) => `${tenantKey}.${field}`;
  const text = textFields(raw, label, problems);
  for (const key of Object.keys(raw)) {
    if (!(CONNECTION_FIELDS as readonly string[]).includes(key))
      problems.push(`${tenantKey}: unknown setting "${key}"`);
  }
  const tenantId = tenantKey.toLowerCase();
  if (!GUID.test(tenantKey)) problems.push(`${tenantKey}: must be a tenant id (GUID)`);
  const statedTenant = text('tenantId', false);
  if (statedTenant !== null && statedTenant.toLowerCase() !== tenantId)
    problems.push(`${label('tenantId')}: must be the tenant id the connection is listed under`);

  const clientId = text('clientId', true);
  if (clientId !== null && !GUID.test(clientId))
    problems.push(`${label('clientId')}: must be the app's application (client) id (GUID)`);

  // Taken as given: surrounding spaces could be part of a secret.
  const clientSecret =
    typeof raw.clientSecret === 'string' && raw.clientSecret !== ''
      ? raw.clientSecret
      : text('clientSecret', false);

  const readPem = (fileField: ConnectionField, pemField: ConnectionField): string | null => {
    if (present(raw[fileField]) && present(raw[pemField])) {
      problems.push(`${label(fileField)}: give ${fileField} or ${pemField}, not both`);
      return null;
    }
    if (present(raw[pemField])) return text(pemField, false);
    const path = text(fileField, false);
    if (path === null) return null;
    try {
      return readFile(path);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      problems.push(
        `${label(fileField)}: cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
      );
      return null;
    }
  };
  const certificateGiven = present(raw.certificateFile) || present(raw.certificatePem);
  const keyGiven = present(raw.privateKeyFile) || present(raw.privateKeyPem);
  const certificateText = readPem('certificateFile', 'certificatePem');
  let keyText = readPem('privateKeyFile', 'privateKeyPem');

  let certificatePem: string | undefined;
  let privateKeyPem: string | undefined;
  if (clientSecret !== null && (certificateGiven || keyGiven)) {
    problems.push(`${label('clientSecret')}: give a client secret or a certificate, not both`);
  } else if (clientSecret === null && !certificateGiven) {
    if (keyGiven) problems.push(`${label('certificateFile')}: is required with a private key`);
    else
      problems.push(`${label('clientSecret')}: give a clientSecret, or a certificateFile and privateKeyFile`);
  } else if (certificateText !== null) {
    let certificate: X509Certificate | null = null;
    try {
      certificate = new X509Certificate(certificateText);
    } catch {
      problems.push(
        `${label(present(raw.certificatePem) ? 'certificatePem' : 'certificateFile')}: is not a PEM certificate`,
      );
    }
    // A PEM bundle may carry the key after the certificate.
    if (keyText === null && !keyGiven) keyText = PRIVATE_KEY_BLOCK.exec(certificateText)?.[0] ?? null;
    const keyField: ConnectionField = present(raw.privateKeyPem) ? 'privateKeyPem' : 'privateKeyFile';
    let key: KeyObject | null = null;
    if (keyText === null) {
      if (!keyGiven) problems.push(`${label('privateKeyFile')}: is required with a certificate`);
    } else {
      try {
        key = createPrivateKey(keyText);
      } catch {
        problems.push(`${label(keyField)}: is not an unencrypted PEM private key`);
      }
    }
    if (certificate !== null && key !== null) {
      if (key.asymmetricKeyType !== 'rsa') {
        problems.push(`${label(keyField)}: must be an RSA key (Entra takes RSA-signed client assertions)`);
      } else if (!certificate.checkPrivateKey(key)) {
        problems.push(`${label(keyField)}: is not the private key of the certificate`);
      } else {
        certificatePem = certificate.toString();
        privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
      }
    }
  }

  const authorityText = text('authorityHost', false);
  const authorityHost =
    authorityText === null
      ? DEFAULT_AUTHORITY_HOST
      : originOf(authorityText, label('authorityHost'), problems);
  const graphText = text('graphBaseUrl', false);
  const graphBaseUrl =
    graphText === null ? DEFAULT_GRAPH_BASE_URL : originOf(graphText, label('graphBaseUrl'), problems);

  if (problems.length > before) return null;
  const connection: GraphConnection = {
    tenantId,
    clientId: clientId!.toLowerCase(),
    ...(clientSecret === null ? {} : { clientSecret }),
    ...(certificatePem === undefined ? {} : { certificatePem }),
    ...(privateKeyPem === undefined ? {} : { privateKeyPem }),
    authorityHost: authorityHost!,
    graphBaseUrl: graphBaseUrl!,
  };
  Object.defineProperty(connection, 'toJSON', { value: redactingToJson, enumerable: false });
  return Object.freeze(connection);
}

/**
 * Reads `graphConnections`: an object (or, from `VIGIL_GRAPH_CONNECTIONS`, its JSON text) keyed by
 * tenant id, each `{ "clientId", "clientSecret" }` or `{ "clientId", "certificateFile",
 * "privateKeyFile" }`, with `authorityHost` and `graphBaseUrl` optional. Files are read here, once.
 * Reports every problem at once, each naming its tenant and field, never quoting a value.
 */
export function parseGraphConnections(
  raw: unknown,
  readFile: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): Parsed<GraphConnections> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { error: ['must be JSON: { "<tenant id>": { "clientId": …, "clientSecret": … } }'] };
    }
  }
  if (!isRecord(value))
    return { error: ['must be an object keyed by tenant id: { "<tenant id>": { "clientId": …, … } }'] };
  const problems: string[] = [];
  const out: Record<string, GraphConnection> = Object.create(null);
  for (const [tenantKey, entry] of Object.entries(value)) {
    if (!isRecord(entry)) {
      problems.push(`${tenantKey}: must be an object`);
      continue;
    }
    const connection = parseConnection(tenantKey, entry, readFile, problems);
    if (connection === null) continue;
    if (out[connection.tenantId] !== undefined) {
      problems.push(`${tenantKey}: the tenant has another connection (tenant ids are not case-sensitive)`);
      continue;
    }
    out[connection.tenantId] = connection;
  }
  if (problems.length > 0) return { error: problems };
  return { value: Object.freeze(out) };
}
