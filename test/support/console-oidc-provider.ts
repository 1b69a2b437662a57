import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTPayload } from 'jose';
import type { TestIssuer } from './oidc-issuer.ts';

/** An OIDC provider's authorization and token endpoints for the console's sign-in, on 127.0.0.1. */
export interface ConsoleOidcProvider {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Codes redeemed so far (each once). */
  redeemed(): number;
  close(): Promise<void>;
}

/**
 * Signs a person in at once (no login form) and redeems codes for access tokens signed by `issuer`,
 * as a provider does for a public client: the code is bound to its client, redirect URI and PKCE
 * challenge (S256 only), and redeemed once. The token endpoint answers cross-origin requests from
 * `allowedOrigin()` (the console's origin, known once its server listens).
 */
export async function startConsoleOidcProvider(options: {
  issuer: TestIssuer;
  clientId: string;
  claims: () => JWTPayload;
  allowedOrigin: () => string;
}): Promise<ConsoleOidcProvider> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  let redeemed = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      const ok =
        q.get('response_type') === 'code' &&
        q.get('client_id') === options.clientId &&
        q.get('code_challenge_method') === 'S256' &&
        (q.get('code_challenge') ?? '').length >= 43 &&
        redirectUri.startsWith(options.allowedOrigin());
      if (!ok) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid authorization request');
        return;
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const headers = {
          'content-type': 'application/json',
          'access-control-allow-origin': options.allowedOrigin(),
          'cache-control': 'no-store',
        };
        const valid =
          grant !== undefined &&
          form.get('grant_type') === 'authorization_code' &&
          form.get('client_id') === options.clientId &&
          form.get('redirect_uri') === grant.redirectUri &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        if (!valid) {
          res
            .writeHead(400, headers)
            .end(JSON.stringify({ error: 'invalid_grant', error_description: 'bad code or verifier' }));
          return;
        }
        redeemed++;
        const token = await options.issuer.sign(options.claims());
        res
          .writeHead(200, headers)
          .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    redeemed: () => redeemed,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
