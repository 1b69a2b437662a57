import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** A signing algorithm the test issuers use. */
export type TestAlgorithm = 'RS256' | 'ES256' | 'PS256';

/** A key pair with its `kid`, as an issuer publishes and signs with. */
export interface TestSigningKey {
  kid: string;
  alg: TestAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * An OIDC issuer on 127.0.0.1 that publishes a JWKS and signs tokens like Entra's. Tokens carry the
 * `iss` their claims give: one Entra key set signs for both the v1 and the v2 issuer of a tenant.
 */
export interface TestIssuer {
  /** Where its JWKS is served. */
  jwksUrl: string;
  /** The key it signs with (published in its JWKS). */
  key: TestSigningKey;
  /** JWKS requests served so far. */
  jwksRequests(): number;
  /** Signs claims as this issuer, or with `key` (another issuer's, an unpublished one) to forge. */
  sign(
    claims: JWTPayload,
    options?: { key?: TestSigningKey; header?: Record<string, unknown> },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Makes a key pair of `alg` named `kid`. */
export async function createSigningKey(alg: TestAlgorithm, kid: string): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey };
}

/**
 * Starts an issuer serving `{ keys: [...] }` at `/discovery/v2.0/keys` (Entra's path), with its
 * signing key and, like Entra, a spare key it does not sign with.
 */
export async function startTestIssuer(alg: TestAlgorithm = 'RS256'): Promise<TestIssuer> {
  const key = await createSigningKey(alg, `kid-${Math.random().toString(36).slice(2, 10)}`);
  const spare = await createSigningKey(alg, `kid-${Math.random().toString(36).slice(2, 10)}`);
  const jwks = {
    keys: await Promise.all(
      [key, spare].map(async (k) => ({
        ...(await exportJWK(k.publicKey)),
        kid: k.kid,
        use: 'sig',
        alg: k.alg,
      })),
    ),
  };
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/discovery/v2.0/keys') {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    key,
    jwksRequests: () => requests,
    async sign(claims, signOptions = {}) {
      const k = signOptions.key ?? key;
      return new SignJWT(claims)
        .setProtectedHeader({
          typ: 'JWT',
          ...signOptions.header,
          alg: k.alg,
          kid: (signOptions.header?.kid as string | undefined) ?? k.kid,
        })
        .sign(k.privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
