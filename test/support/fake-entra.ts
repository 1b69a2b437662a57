// Entra's token endpoint and Microsoft Graph's directory endpoints for credentials, on one loopback
// server, over an in-memory directory. They answer with Entra's and Graph's status codes, bodies and
// headers, so the connectors are tested against the wire format they meet in a real tenant.
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';

/** An app that may ask the token endpoint for tokens, with the application permissions it was granted. */
export interface FakeClient {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM certificate whose key signs the app's client assertions. */
  certificatePem?: string;
  /** Graph application permissions (`Application.ReadWrite.All`, …), read at each Graph request. */
  roles?: string[];
}

/** A key credential as the fake directory keeps it. */
export interface FakeKeyCredential {
  keyId: string;
  type: string;
  usage: string;
  /** Base64 DER of the certificate. */
  key: string;
  displayName: string | null;
  customKeyIdentifier: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

/** A password credential as the fake directory keeps it; `secretText` is the only copy of the secret. */
export interface FakePasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  secretText: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: null;
}

/** A federated identity credential of an application. */
export interface FakeFederatedCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

/** A service principal or application of the fake directory. */
export interface FakeDirectoryObject {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  passwordCredentials: FakePasswordCredential[];
  keyCredentials: FakeKeyCredential[];
  /** Applications only. */
  federatedIdentityCredentials: FakeFederatedCredential[];
}

/** A request the fake received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The JSON body parsed, the form of a token request as an object, or null. */
  body: unknown;
}

/** What an access token the fake issued stands for. */
export interface FakeTokenClaims {
  tenantId: string;
  clientId: string;
  /** The resource: the scope without `/.default`. */
  audience: string;
  expiresAt: number;
}

/** The running fake. */
export interface FakeEntra {
  /** `http://127.0.0.1:<port>`: the authority host and the Graph root of connections to it. */
  origin: string;
  addClient(client: FakeClient): void;
  /** Changes an app's Graph permissions; effective at its next request. */
  setRoles(clientId: string, roles: string[]): void;
  addServicePrincipal(
    tenantId: string,
    object: Partial<FakeDirectoryObject> & { id: string; appId: string },
  ): void;
  addApplication(
    tenantId: string,
    object: Partial<FakeDirectoryObject> & { id: string; appId: string },
  ): void;
  servicePrincipal(tenantId: string, id: string): FakeDirectoryObject | undefined;
  application(tenantId: string, id: string): FakeDirectoryObject | undefined;
  /** The next `count` Graph requests answer 429 with `Retry-After: retryAfter`. */
  throttleNext(count: number, retryAfter?: string): void;
  /** Graph requests received, token requests apart. */
  graphRequests: ReceivedRequest[];
  tokenRequests: ReceivedRequest[];
  /** Invalidates every token issued so far, as a revocation or a key rollover does. */
  revokeTokens(): void;
  /** What a token stands for, when the fake issued it (other fakes check tokens with this). */
  describeToken(token: string): FakeTokenClaims | undefined;
  close(): Promise<void>;
}

/** Graph's resource id, the audience of proofs of possession for addKey and removeKey. */
export const GRAPH_PROOF_AUDIENCE = '00000002-0000-0000-c000-000000000000';

const WRITE_ROLES = ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', 'Directory.ReadWrite.All'];
const READ_ROLES = [...WRITE_ROLES, 'Application.Read.All', 'Directory.Read.All'];

/** Reads a request body as text. */
export function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function certificateFacts(base64Der: string): X509Certificate | null {
  try {
    return new X509Certificate(Buffer.from(base64Der, 'base64'));
  } catch {
    return null;
  }
}

function keyCredentialFrom(input: Record<string, unknown>): FakeKeyCredential | null {
  if (typeof input.key !== 'string' || typeof input.type !== 'string' || typeof input.usage !== 'string')
    return null;
  const certificate = certificateFacts(input.key);
  if (certificate === null) return null;
  return {
    keyId: typeof input.keyId === 'string' ? input.keyId : randomUUID(),
    type: input.type,
    usage: input.usage,
    key: input.key,
    displayName:
      typeof input.displayName === 'string' ? input.displayName : certificate.subject.replace(/\n/g, ', '),
    customKeyIdentifier: createHash('sha1').update(certificate.raw).digest('hex').toUpperCase(),
    startDateTime: new Date(certificate.validFrom).toISOString(),
    endDateTime: new Date(certificate.validTo).toISOString(),
  };
}

// What Graph returns of a key credential: never the key, except to `$select=keyCredentials`.
function shownKey(k: FakeKeyCredential, withKey: boolean) {
  return { ...k, key: withKey ? k.key : null };
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeEntra(): Promise<FakeEntra> {
  const clients = new Map<string, FakeClient>();
  const directories = new Map<
    string,
    { servicePrincipals: Map<string, FakeDirectoryObject>; applications: Map<string, FakeDirectoryObject> }
  >();
  const tokens = new Map<string, FakeTokenClaims>();
  const graphRequests: ReceivedRequest[] = [];
  const tokenRequests: ReceivedRequest[] = [];
  let throttled = 0;
  let throttleRetryAfter = '1';
  let origin = '';

  function directory(tenantId: string) {
    let d = directories.get(tenantId);
    if (d === undefined) {
      d = { servicePrincipals: new Map(), applications: new Map() };
      directories.set(tenantId, d);
    }
    return d;
  }

  function newObject(o: Partial<FakeDirectoryObject> & { id: string; appId: string }): FakeDirectoryObject {
    return {
      displayName: o.appId,
      accountEnabled: true,
      passwordCredentials: [],
      keyCredentials: [],
      federatedIdentityCredentials: [],
      ...o,
    };
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (body === null) {
      res.writeHead(status, headers).end();
      return;
    }
    res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      .end(JSON.stringify(body));
  }

  // ---- the token endpoint ----------------------------------------------------------------------

  function aadsts(res: ServerResponse, status: number, error: string, code: number, text: string) {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    send(res, status, {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${origin}/error?code=${code}`,
    });
  }

  async function token(req: IncomingMessage, res: ServerResponse, tenantId: string) {
    const text = await readRequestBody(req);
    const form = Object.fromEntries(new URLSearchParams(text));
    tokenRequests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: form });
    const endpoint = `${origin}/${tenantId}/oauth2/v2.0/token`;
    if (!directories.has(tenantId)) {
      aadsts(res, 400, 'invalid_request', 90002, `Tenant '${tenantId}' not found.`);
      return;
    }
    if (form.grant_type !== 'client_credentials') {
      aadsts(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      return;
    }
    const client = clients.get(form.client_id ?? '');
    if (client === undefined || client.tenantId !== tenantId) {
      aadsts(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.client_id}' was not found in the directory '${tenantId}'.`,
      );
      return;
    }
    const scope = form.scope ?? '';
    if (!scope.endsWith('/.default')) {
      aadsts(res, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
      return;
    }
    if (form.client_secret !== undefined) {
      if (form.client_secret !== client.clientSecret) {
        aadsts(
          res,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
        );
        return;
      }
    } else if (form.client_assertion !== undefined) {
      if (
        form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
        client.certificatePem === undefined
      ) {
        aadsts(res, 401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
        return;
      }
      const certificate = new X509Certificate(client.certificatePem);
      const thumbprint = createHash('sha256').update(certificate.raw).digest('base64url');
      try {
        const header = decodeProtectedHeader(form.client_assertion);
        if (header['x5t#S256'] !== thumbprint) throw new Error('unknown certificate');
        await jwtVerify(form.client_assertion, certificate.publicKey, {
          algorithms: ['PS256', 'RS256'],
          audience: endpoint,
          issuer: client.clientId,
          subject: client.clientId,
          requiredClaims: ['jti', 'exp', 'nbf'],
        });
      } catch {
        aadsts(res, 401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
        return;
      }
    } else {
      aadsts(
        res,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
      return;
    }
    const accessToken = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.fake`;
    tokens.set(accessToken, {
      tenantId,
      clientId: client.clientId,
      audience: scope.slice(0, -'/.default'.length),
      expiresAt: Date.now() + 3599_000,
    });
    send(res, 200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
    });
  }

  // ---- Graph -----------------------------------------------------------------------------------

  async function graph(req: IncomingMessage, res: ServerResponse, url: URL) {
    const text = await readRequestBody(req);
    const body = parseJson(text);
    graphRequests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const requestId = randomUUID();
    const clientRequestId = String(req.headers['client-request-id'] ?? requestId);
    const headers = { 'request-id': requestId, 'client-request-id': clientRequestId };
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
      send(
        res,
        status,
        {
          error: {
            code,
            message,
            innerError: {
              date: new Date().toISOString().replace(/\.\d+Z$/, ''),
              'request-id': requestId,
              'client-request-id': clientRequestId,
            },
          },
        },
        { ...headers, ...extra },
      );
    const ok = (status: number, payload: unknown) =>
      send(res, status, payload, {
        ...headers,
        ...(payload === null
          ? {}
          : {
              'content-type':
                'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
            }),
      });

    if (throttled > 0) {
      throttled--;
      fail(
        429,
        'TooManyRequests',
        `Your request is throttled temporarily. Please try after ${throttleRetryAfter} seconds.`,
        {
          'retry-after': throttleRetryAfter,
        },
      );
      return;
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) {
      fail(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      return;
    }
    const claims = tokens.get(auth.slice('Bearer '.length));
    if (claims === undefined || claims.expiresAt < Date.now()) {
      fail(401, 'InvalidAuthenticationToken', 'Invalid JWT token. The token is not in a valid format.');
      return;
    }
    if (claims.audience !== origin) {
      fail(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      return;
    }
    if (body === undefined) {
      fail(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      );
      return;
    }
    const roles = clients.get(claims.clientId)?.roles ?? [];
    const needed = req.method === 'GET' ? READ_ROLES : WRITE_ROLES;
    if (!roles.some((r) => needed.includes(r))) {
      fail(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      return;
    }
    const match = /^\/v1\.0\/(servicePrincipals|applications)\/([^/]+)(?:\/([A-Za-z]+)(?:\/([^/]+))?)?$/.exec(
      url.pathname,
    );
    if (match === null) {
      fail(400, 'BadRequest', `Resource not found for the segment '${url.pathname.split('/').pop()}'.`);
      return;
    }
    const [, collection, rawId, action, subId] = match as unknown as [
      string,
      'servicePrincipals' | 'applications',
      string,
      string | undefined,
      string | undefined,
    ];
    const id = decodeURIComponent(rawId);
    const object = directory(claims.tenantId)[collection].get(id.toLowerCase());
    if (object === undefined) {
      fail(
        404,
        'Request_ResourceNotFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
      return;
    }
    const b = isRecord(body) ? body : {};
    const route = `${req.method} ${action ?? ''}${subId === undefined ? '' : '/{id}'}`;
    const context = `${origin}/v1.0/$metadata#${collection}`;
    switch (route) {
      case 'GET ': {
        const select = url.searchParams.get('$select');
        if (select === 'keyCredentials') {
          ok(200, {
            '@odata.context': `${context}(keyCredentials)/$entity`,
            keyCredentials: object.keyCredentials.map((k) => shownKey(k, true)),
          });
        } else {
          ok(200, {
            '@odata.context': `${context}/$entity`,
            id: object.id,
            appId: object.appId,
            displayName: object.displayName,
            ...(collection === 'servicePrincipals' ? { accountEnabled: object.accountEnabled } : {}),
            keyCredentials: object.keyCredentials.map((k) => shownKey(k, false)),
            passwordCredentials: object.passwordCredentials.map(({ secretText: _, ...p }) => p),
          });
        }
        return;
      }
      case 'POST addPassword': {
        const input = isRecord(b.passwordCredential) ? b.passwordCredential : {};
        // Entra's current shape: three characters, a digit, `Q~`, 34 more (40 in all).
        const secretText = `${randomBytes(2).toString('hex').slice(0, 3)}8Q~${randomBytes(33).toString('base64url').slice(0, 33)}a`;
        const now = new Date();
        const credential: FakePasswordCredential = {
          customKeyIdentifier: null,
          displayName: typeof input.displayName === 'string' ? input.displayName : null,
          endDateTime:
            typeof input.endDateTime === 'string'
              ? new Date(input.endDateTime).toISOString()
              : new Date(now.getTime() + 2 * 365 * 86_400_000).toISOString(),
          hint: secretText.slice(0, 3),
          keyId: randomUUID(),
          secretText,
          startDateTime: now.toISOString(),
        };
        object.passwordCredentials.push(credential);
        ok(200, {
          '@odata.context': `${origin}/v1.0/$metadata#microsoft.graph.passwordCredential`,
          ...credential,
        });
        return;
      }
      case 'POST removePassword': {
        const index = object.passwordCredentials.findIndex((p) => p.keyId === b.keyId);
        if (index < 0) {
          fail(400, 'Request_BadRequest', `No password credential found with keyId ${String(b.keyId)}.`);
          return;
        }
        object.passwordCredentials.splice(index, 1);
        ok(204, null);
        return;
      }
      case 'POST addKey':
      case 'POST removeKey': {
        if (!(await proofHolds(b.proof, object))) {
          fail(
            400,
            'Authentication_MissingOrMalformed',
            'Proof of possession validation failed: the proof is not signed by a current certificate of the object.',
          );
          return;
        }
        if (action === 'removeKey') {
          const index = object.keyCredentials.findIndex((k) => k.keyId === b.keyId);
          if (index < 0) {
            fail(400, 'Request_BadRequest', `No key credential found with keyId ${String(b.keyId)}.`);
            return;
          }
          object.keyCredentials.splice(index, 1);
          ok(204, null);
          return;
        }
        const credential = isRecord(b.keyCredential) ? keyCredentialFrom(b.keyCredential) : null;
        if (credential === null) {
          fail(400, 'Request_BadRequest', "Invalid value specified for property 'keyCredential'.");
          return;
        }
        object.keyCredentials.push(credential);
        ok(200, {
          '@odata.context': `${origin}/v1.0/$metadata#microsoft.graph.keyCredential`,
          ...shownKey(credential, false),
        });
        return;
      }
      case 'PATCH ': {
        if (b.keyCredentials !== undefined) {
          if (!Array.isArray(b.keyCredentials)) {
            fail(400, 'Request_BadRequest', "Invalid value specified for property 'keyCredentials'.");
            return;
          }
          const next = b.keyCredentials.map((k) => (isRecord(k) ? keyCredentialFrom(k) : null));
          if (next.some((k) => k === null)) {
            fail(400, 'Request_BadRequest', "Invalid value specified for property 'keyCredentials'.");
            return;
          }
          object.keyCredentials = next as FakeKeyCredential[];
        }
        if (typeof b.accountEnabled === 'boolean') object.accountEnabled = b.accountEnabled;
        ok(204, null);
        return;
      }
      case 'POST federatedIdentityCredentials': {
        if (collection !== 'applications') break;
        if (
          typeof b.name !== 'string' ||
          typeof b.issuer !== 'string' ||
          typeof b.subject !== 'string' ||
          !Array.isArray(b.audiences)
        ) {
          fail(400, 'Request_BadRequest', 'Invalid federated identity credential.');
          return;
        }
        if (object.federatedIdentityCredentials.some((f) => f.name === b.name)) {
          fail(
            409,
            'Request_MultipleObjectsWithSameKeyValue',
            `FederatedIdentityCredential with name ${b.name} already exists.`,
          );
          return;
        }
        const credential: FakeFederatedCredential = {
          id: randomUUID(),
          name: b.name,
          issuer: b.issuer,
          subject: b.subject,
          audiences: b.audiences.map(String),
          description: typeof b.description === 'string' ? b.description : null,
        };
        object.federatedIdentityCredentials.push(credential);
        ok(201, {
          '@odata.context': `${context}('${object.id}')/federatedIdentityCredentials/$entity`,
          ...credential,
        });
        return;
      }
      case 'DELETE federatedIdentityCredentials/{id}': {
        if (collection !== 'applications') break;
        const ficId = decodeURIComponent(subId!);
        const index = object.federatedIdentityCredentials.findIndex(
          (f) => f.id === ficId || f.name === ficId,
        );
        if (index < 0) {
          fail(
            404,
            'Request_ResourceNotFound',
            `Resource '${ficId}' does not exist or one of its queried reference-property objects are not present.`,
          );
          return;
        }
        object.federatedIdentityCredentials.splice(index, 1);
        ok(204, null);
        return;
      }
    }
    fail(405, 'Request_BadRequest', `Specified HTTP method is not allowed for the request uri.`);
  }

  // A proof is a JWT from the object itself, signed with a key of one of its current certificates.
  async function proofHolds(proof: unknown, object: FakeDirectoryObject): Promise<boolean> {
    if (typeof proof !== 'string') return false;
    const now = Date.now();
    for (const k of object.keyCredentials) {
      const certificate = certificateFacts(k.key);
      if (certificate === null || Date.parse(certificate.validTo) < now) continue;
      try {
        await jwtVerify(proof, certificate.publicKey, {
          algorithms: ['RS256', 'PS256'],
          audience: GRAPH_PROOF_AUDIENCE,
          issuer: object.id,
          requiredClaims: ['exp', 'nbf'],
        });
        return true;
      } catch {
        // another certificate may have signed it
      }
    }
    return false;
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    const handle =
      tokenPath !== null && req.method === 'POST'
        ? token(req, res, decodeURIComponent(tokenPath[1]!).toLowerCase())
        : url.pathname.startsWith('/v1.0/')
          ? graph(req, res, url)
          : Promise.resolve(send(res, 404, { error: { code: 'NotFound', message: 'not found' } }));
    handle.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { code: 'InternalServerError', message: String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    addClient(client) {
      clients.set(client.clientId, { ...client, tenantId: client.tenantId.toLowerCase() });
      directory(client.tenantId.toLowerCase());
    },
    setRoles(clientId, roles) {
      const client = clients.get(clientId);
      if (client === undefined) throw new Error(`no client ${clientId}`);
      client.roles = roles;
    },
    addServicePrincipal(tenantId, object) {
      directory(tenantId).servicePrincipals.set(object.id.toLowerCase(), newObject(object));
    },
    addApplication(tenantId, object) {
      directory(tenantId).applications.set(object.id.toLowerCase(), newObject(object));
    },
    servicePrincipal: (tenantId, id) => directories.get(tenantId)?.servicePrincipals.get(id.toLowerCase()),
    application: (tenantId, id) => directories.get(tenantId)?.applications.get(id.toLowerCase()),
    throttleNext(count, retryAfter = '1') {
      throttled = count;
      throttleRetryAfter = retryAfter;
    },
    graphRequests,
    tokenRequests,
    revokeTokens: () => tokens.clear(),
    describeToken: (token) => tokens.get(token),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
