import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@microsoft/microsoft-graph-client';
import type { FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { createApiKeys } from '../../src/api/auth/api-keys.ts';
import type { Role } from '../../src/api/auth/roles.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Store } from '../../src/store/open-store.ts';
import { selfSignedLoopback } from './self-signed.ts';

/** A Vigil API served over HTTPS on loopback with a self-signed certificate. */
export interface GraphServer {
  app: FastifyInstance;
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** Trusts the server's certificate: pass as `dispatcher` to fetch. */
  dispatcher: Agent;
  /** Creates an API key of the role for the tenant. */
  key(role: Role, tenantId?: string): Promise<string>;
  /** The official Graph SDK pointed at the server, authenticating with `token`. */
  client(token: string, version?: 'v1.0' | 'beta'): Client;
  close(): Promise<void>;
}

/** Starts the app over HTTPS on 127.0.0.1 for the store; tenant keys default to `tenantId`. */
export async function startGraphServer(
  store: Store,
  tenantId: string,
  overrides: Partial<Config> = {},
): Promise<GraphServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  const pems = await selfSignedLoopback();
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.key);
  const config = loadConfig({
    env: {},
    overrides: {
      defaultTenantId: tenantId,
      tlsCert: join(dir, 'cert.pem'),
      tlsKey: join(dir, 'key.pem'),
      detectIntervalSeconds: 0,
      ...overrides,
    },
  });
  const app = await buildApp({
    config,
    store,
    intel: null,
    logger: process.env.VIGIL_TEST_LOG ? { level: 'error' } : false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  const dispatcher = new Agent({ connect: { ca: pems.cert } });
  const keys = createApiKeys(store);
  return {
    app,
    origin,
    dispatcher,
    async key(role, tenant = tenantId) {
      return (await keys.create({ tenantId: tenant, role, name: `test ${role}` })).key;
    },
    client(token, version = 'v1.0') {
      return Client.init({
        baseUrl: origin,
        defaultVersion: version,
        // The SDK sends the token only over HTTPS to Graph's hosts or the ones listed here.
        customHosts: new Set(['127.0.0.1']),
        authProvider: (done) => done(null, token),
        // Node's fetch takes an undici dispatcher; the DOM RequestInit type does not list it.
        fetchOptions: { dispatcher } as unknown as RequestInit,
      });
    },
    async close() {
      await app.close();
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
