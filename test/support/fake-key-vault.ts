// Azure Key Vault's secrets API (7.4) on a loopback server, over in-memory secrets: bearer tokens
// from the fake Entra with Key Vault's audience, paged lists with `nextLink`, a new version id per
// PUT, and Key Vault's error envelopes for 401, 403, 404 and 429.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeEntra, type ReceivedRequest, readRequestBody } from './fake-entra.ts';

/** One version of a secret. */
export interface FakeSecretVersion {
  version: string;
  value: string;
  contentType: string | null;
  /** Seconds since the epoch, as Key Vault gives times. */
  created: number;
}

/** What a caller may do, as RBAC data actions name them. */
export type VaultPermission = 'list' | 'get' | 'set';

/** The running fake vault. */
export interface FakeKeyVault {
  /** `http://127.0.0.1:<port>`: the vault URL. */
  url: string;
  /** Stores a secret version directly (test setup). */
  seed(name: string, value: string, contentType?: string): void;
  /** A secret's versions, oldest first. */
  versions(name: string): FakeSecretVersion[];
  /** Grants an app permissions in the vault; without any, it is Forbidden. */
  grant(clientId: string, permissions: VaultPermission[]): void;
  /** The next `count` requests answer 429 with `Retry-After: retryAfter`. */
  throttleNext(count: number, retryAfter?: string): void;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Key Vault's resource in the global cloud: the audience its tokens must have. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

const ACTIONS: Readonly<Record<VaultPermission, string>> = {
  list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
};

/** Starts a vault of `tenantId` whose lists page `pageSize` secrets at a time. */
export async function startFakeKeyVault(options: {
  entra: FakeEntra;
  tenantId: string;
  pageSize?: number;
}): Promise<FakeKeyVault> {
  const pageSize = options.pageSize ?? 25;
  const secrets = new Map<string, FakeSecretVersion[]>();
  const grants = new Map<string, Set<VaultPermission>>();
  const requests: ReceivedRequest[] = [];
  let throttled = 0;
  let throttleRetryAfter = '1';
  let url = '';

  function store(name: string, value: string, contentType: string | null): FakeSecretVersion {
    const version: FakeSecretVersion = {
      version: randomBytes(16).toString('hex'),
      value,
      contentType,
      created: Math.floor(Date.now() / 1000),
    };
    const list = secrets.get(name.toLowerCase()) ?? [];
    list.push(version);
    secrets.set(name.toLowerCase(), list);
    return version;
  }

  function attributes(v: FakeSecretVersion) {
    return {
      enabled: true,
      created: v.created,
      updated: v.created,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readRequestBody(req);
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = undefined;
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const headers = { 'x-ms-request-id': randomUUID(), 'x-ms-keyvault-service-version': '1.9.1234.1' };
    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers, ...extra })
        .end(JSON.stringify(payload));
    const fail = (
      status: number,
      code: string,
      message: string,
      extra: Record<string, string> = {},
      inner?: string,
    ) =>
      answer(status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }, extra);
    const requestUrl = new URL(req.url ?? '/', url);

    if (throttled > 0) {
      throttled--;
      fail(
        429,
        'Throttled',
        'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
        { 'retry-after': throttleRetryAfter },
      );
      return;
    }
    const challenge = {
      'www-authenticate': `Bearer authorization="${options.entra.origin}/${options.tenantId}", resource="${KEY_VAULT_RESOURCE}"`,
    };
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) {
      fail(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', challenge);
      return;
    }
    const claims = options.entra.describeToken(auth.slice('Bearer '.length));
    if (claims === undefined || claims.expiresAt < Date.now()) {
      fail(401, 'Unauthorized', 'AKV10013: Invalid JWT.', challenge);
      return;
    }
    if (claims.audience !== KEY_VAULT_RESOURCE) {
      fail(
        401,
        'Unauthorized',
        `AKV10022: Invalid audience. Expected ${KEY_VAULT_RESOURCE}, found: ${claims.audience}.`,
        challenge,
      );
      return;
    }
    if (claims.tenantId !== options.tenantId) {
      fail(401, 'Unauthorized', 'AKV10032: Invalid issuer.', challenge);
      return;
    }
    if (requestUrl.searchParams.get('api-version') !== '7.4') {
      fail(400, 'BadParameter', 'The request URI contains an invalid or missing api-version');
      return;
    }
    const forbidden = (permission: VaultPermission) => {
      if (grants.get(claims.clientId)?.has(permission)) return false;
      fail(
        403,
        'Forbidden',
        'Caller is not authorized to perform action on resource.\r\n' +
          'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
          `Caller: appid=${claims.clientId};iss=https://sts.windows.net/${claims.tenantId}/\r\n` +
          `Action: '${ACTIONS[permission]}'\r\nResource: 'fake-vault'\r\nAssignment: (not found)\r\n`,
        {},
        'ForbiddenByRbac',
      );
      return true;
    };
    const notFound = (name: string) =>
      fail(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );

    const path = requestUrl.pathname.replace(/\/+$/, '');
    const versionsPath = /^\/secrets\/([0-9A-Za-z-]+)\/versions$/.exec(path);
    const secretPath = /^\/secrets\/([0-9A-Za-z-]+)$/.exec(path);
    if (req.method === 'GET' && path === '/secrets') {
      if (forbidden('list')) return;
      const names = [...secrets.keys()].sort();
      const skip = Number(requestUrl.searchParams.get('$skiptoken') ?? '0');
      const page = names.slice(skip, skip + pageSize);
      const more = skip + pageSize < names.length;
      answer(200, {
        value: page.map((name) => {
          const latest = secrets.get(name)!.at(-1)!;
          return {
            id: `${url}/secrets/${name}`,
            attributes: attributes(latest),
            ...(latest.contentType === null ? {} : { contentType: latest.contentType }),
            tags: {},
          };
        }),
        nextLink: more
          ? `${url}/secrets?api-version=7.4&$skiptoken=${skip + pageSize}&maxresults=${pageSize}`
          : null,
      });
      return;
    }
    if (req.method === 'GET' && versionsPath !== null) {
      if (forbidden('list')) return;
      const name = versionsPath[1]!;
      const list = secrets.get(name.toLowerCase());
      if (list === undefined) {
        notFound(name);
        return;
      }
      answer(200, {
        value: list.map((v) => ({ id: `${url}/secrets/${name}/${v.version}`, attributes: attributes(v) })),
        nextLink: null,
      });
      return;
    }
    if (req.method === 'PUT' && secretPath !== null) {
      if (forbidden('set')) return;
      const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
      if (b === null || typeof b.value !== 'string') {
        fail(400, 'BadParameter', 'Property value is required.');
        return;
      }
      const name = secretPath[1]!;
      const v = store(name, b.value, typeof b.contentType === 'string' ? b.contentType : null);
      answer(200, {
        value: v.value,
        ...(v.contentType === null ? {} : { contentType: v.contentType }),
        id: `${url}/secrets/${name}/${v.version}`,
        attributes: attributes(v),
        tags: {},
      });
      return;
    }
    fail(400, 'BadParameter', 'The request URI is not valid.');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    seed(name, value, contentType) {
      store(name, value, contentType ?? null);
    },
    versions: (name) => [...(secrets.get(name.toLowerCase()) ?? [])],
    grant(clientId, permissions) {
      grants.set(clientId, new Set(permissions));
    },
    throttleNext(count, retryAfter = '1') {
      throttled = count;
      throttleRetryAfter = retryAfter;
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
