import {
  type ConnectorOptions,
  createTokenSource,
  describeFailure,
  type GraphConnection,
  KEY_VAULT_SCOPE,
  resolveConnectorOptions,
} from './graph-connection.ts';
import { KeyVaultError, keyVaultErrorFrom } from './key-vault-error.ts';
import { type FailedAnswer, sendAuthorized } from './send-authorized.ts';

/** The Key Vault REST API version the connector speaks. */
export const KEY_VAULT_API_VERSION = '7.4';

/** A secret as a vault lists it: never its value. */
export interface VaultSecret {
  name: string;
  /** The secret's id without a version, e.g. `https://contoso.vault.azure.net/secrets/db-password`. */
  id: string;
  enabled: boolean;
  /** When its current version was last updated (ISO), when the vault says. */
  updated: string | null;
  contentType: string | null;
}

/** The version a rotation created. */
export interface RotatedSecret {
  /** The versioned id, e.g. `https://contoso.vault.azure.net/secrets/db-password/4f0e…`. */
  id: string;
  version: string;
  name: string;
}

/** Options of a rotation. */
export interface RotateSecretOptions {
  /**
   * Creates the secret when the vault has none of that name. Off by default: rotating is for
   * secrets that exist, and a misspelt name would otherwise leave the real one unrotated.
   */
  allowCreate?: boolean;
}

/** Azure Key Vault secrets, through a tenant's connection. */
export interface KeyVaultConnector {
  /** Every secret of the vault (following `nextLink`), without values. */
  listSecrets(vaultUrl: string): Promise<VaultSecret[]>;
  /** Stores `value` as the new current version of secret `name`; the value is not returned. */
  rotateSecret(
    vaultUrl: string,
    name: string,
    value: string,
    contentType?: string,
    options?: RotateSecretOptions,
  ): Promise<RotatedSecret>;
}

const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
// The vault's DNS suffix names its cloud's resource: vault.azure.net, vault.usgovcloudapi.net, …
const VAULT_HOST = /^[^.]+\.(vault\.[a-z0-9.-]+)$/i;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The vault's origin, checked: https (plain http only to this machine, for tests), with no path,
 * query or credentials, since its bearer tokens go there.
 */
export function vaultOrigin(vaultUrl: string): string {
  let url: URL;
  try {
    url = new URL(vaultUrl);
  } catch {
    throw new TypeError(`not a vault URL: ${vaultUrl}`);
  }
  const plainHttpAllowed = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
  if (
    (url.protocol !== 'https:' && !plainHttpAllowed) ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.pathname.replace(/\/+$/, '') !== ''
  ) {
    throw new TypeError(`not a vault URL (expected https://<vault>.vault.azure.net): ${vaultUrl}`);
  }
  return url.origin;
}

function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw new TypeError(
      `not a Key Vault secret name (1–127 letters, digits and dashes): ${JSON.stringify(name)}`,
    );
  }
}

/** The token scope of a vault: its cloud's Key Vault resource, the global one by default. */
export function keyVaultScope(origin: string): string {
  const host = new URL(origin).hostname;
  const match = VAULT_HOST.exec(host);
  return match ? `https://${match[1]!.toLowerCase()}/.default` : KEY_VAULT_SCOPE;
}

/**
 * The request that rotates a secret, as an administrator would run it, with a placeholder for the
 * value: dry runs show this, never the value.
 */
export function renderKeyVaultRotation(vaultUrl: string, name: string): string {
  checkSecretName(name);
  const body = { value: '<new secret value>' };
  return (
    `PUT ${vaultOrigin(vaultUrl)}/secrets/${name}?api-version=${KEY_VAULT_API_VERSION}\n` +
    `Content-Type: application/json\n\n${JSON.stringify(body, null, 2)}`
  );
}

function secretNameOf(id: string): string {
  return decodeURIComponent(new URL(id).pathname.split('/')[2] ?? '');
}

/** Makes the Key Vault connector of a connection (retry, token and fetch seams in `options`). */
export function createKeyVaultConnector(
  connection: GraphConnection,
  options: ConnectorOptions = {},
): KeyVaultConnector {
  const o = resolveConnectorOptions(options);
  const tokens = options.tokens ?? createTokenSource(connection, options);

  function send(method: 'GET' | 'PUT', url: string, doing: string, body?: unknown): Promise<unknown> {
    const fail = (answer: FailedAnswer): KeyVaultError =>
      answer.status === 0 || answer.failure !== null
        ? new KeyVaultError({
            status: answer.status,
            code: 'RequestFailed',
            vaultMessage: describeFailure(answer.failure),
            requestId: answer.headers.get('x-ms-request-id'),
            doing,
          })
        : keyVaultErrorFrom(doing, answer.status, answer.headers, answer.text, answer.retryAfterSeconds);
    const origin = new URL(url).origin;
    return sendAuthorized(
      { method, url, ...(body === undefined ? {} : { body }), scope: keyVaultScope(origin) },
      tokens,
      o,
      fail,
    );
  }

  function unexpected(doing: string): KeyVaultError {
    return new KeyVaultError({
      status: 200,
      code: 'UnexpectedAnswer',
      vaultMessage: 'the answer is not what Key Vault sends',
      requestId: null,
      doing,
    });
  }

  return {
    async listSecrets(vaultUrl) {
      const origin = vaultOrigin(vaultUrl);
      const doing = `list the secrets of ${origin}`;
      const out: VaultSecret[] = [];
      let next: string | null = `${origin}/secrets?api-version=${KEY_VAULT_API_VERSION}`;
      // A vault of thousands of secrets pages 25 at a time; a loop of links is cut off.
      for (let page = 0; next !== null; page++) {
        if (page >= 10_000) throw unexpected(doing);
        const body = await send('GET', next, doing);
        if (!isRecord(body) || !Array.isArray(body.value)) throw unexpected(doing);
        for (const item of body.value) {
          if (!isRecord(item) || typeof item.id !== 'string') continue;
          const attributes = isRecord(item.attributes) ? item.attributes : {};
          out.push({
            name: secretNameOf(item.id),
            id: item.id,
            enabled: attributes.enabled !== false,
            // Key Vault gives times as seconds since the epoch.
            updated:
              typeof attributes.updated === 'number'
                ? new Date(attributes.updated * 1000).toISOString()
                : null,
            contentType: typeof item.contentType === 'string' ? item.contentType : null,
          });
        }
        const link = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : null;
        // The token follows the link: it must stay on the vault.
        if (link !== null && new URL(link).origin !== origin) throw unexpected(doing);
        next = link;
      }
      return out;
    },

    async rotateSecret(vaultUrl, name, value, contentType, rotateOptions = {}) {
      const origin = vaultOrigin(vaultUrl);
      checkSecretName(name);
      if (value === '') throw new TypeError('a secret value must not be empty');
      const doing = `set secret ${name} in ${origin}`;
      if (rotateOptions.allowCreate !== true) {
        // Key Vault answers 404 SecretNotFound for the versions of a secret it does not hold; an
        // empty list is taken the same way.
        const finding = `find secret ${name} in ${origin}`;
        const versions = await send(
          'GET',
          `${origin}/secrets/${name}/versions?api-version=${KEY_VAULT_API_VERSION}&maxresults=1`,
          finding,
        );
        if (isRecord(versions) && Array.isArray(versions.value) && versions.value.length === 0) {
          throw new KeyVaultError({
            status: 404,
            code: 'SecretNotFound',
            vaultMessage: 'the vault lists no version of the secret',
            requestId: null,
            doing: finding,
          });
        }
      }
      const body = await send(
        'PUT',
        `${origin}/secrets/${name}?api-version=${KEY_VAULT_API_VERSION}`,
        doing,
        {
          value,
          ...(contentType === undefined ? {} : { contentType }),
        },
      );
      // The answer echoes the value: only the id is read from it.
      if (!isRecord(body) || typeof body.id !== 'string') throw unexpected(doing);
      const segments = new URL(body.id).pathname.split('/');
      const version = segments[3];
      if (segments[1] !== 'secrets' || version === undefined || version === '') throw unexpected(doing);
      return { id: body.id, version, name: decodeURIComponent(segments[2] ?? name) };
    },
  };
}
