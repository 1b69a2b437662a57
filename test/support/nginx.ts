import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `nginx` package puts the binary; `VIGIL_TEST_NGINX` points elsewhere. */
const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

/** A running nginx that asks Vigil about every request before proxying it upstream. */
export interface NginxGateway {
  /** `http://127.0.0.1:<port>`, where clients send their requests. */
  origin: string;
  /** What nginx wrote to its error log so far: the first thing to read when a test fails. */
  errorLog(): string;
  /** Stops nginx and removes its prefix directory. */
  close(): Promise<void>;
}

/** What the gateway sits between. */
export interface NginxGatewayOptions {
  /** The protected service, e.g. `http://127.0.0.1:4010`. */
  upstream: string;
  /** Vigil's origin; the gateway calls `<vigil>/authz/nginx`. */
  vigil: string;
}

/**
 * The nginx binary. Throws when there is none: end-to-end tests must fail, not skip, on a machine
 * without it (`.ci/run` installs Debian's package).
 */
export function findNginx(): string {
  const candidates = process.env.VIGIL_TEST_NGINX ? [process.env.VIGIL_TEST_NGINX] : NGINX_CANDIDATES;
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Try the next place.
    }
  }
  throw new Error(
    `nginx is not installed (looked for ${candidates.join(', ')}). The gateway tests need a real nginx ` +
      'with the auth_request module: `apt-get install -y nginx` (.ci/run does), or set VIGIL_TEST_NGINX.',
  );
}

/** A port nothing listens on now (the kernel's pick), for nginx to listen on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

/**
 * The gateway configuration an operator would write: every request is first sent, without its body,
 * to Vigil's decision point with the original `Authorization` header and the client address; 2xx lets
 * it through, 401 and 403 are returned to the client. Vigil's decision headers come back to the
 * client (to see which policy refused it) and go on to the upstream (to log who was let in).
 */
export function gatewayConfig(prefix: string, port: number, options: NginxGatewayOptions): string {
  // Every path nginx writes to lives under the prefix, so it runs unprivileged and leaves nothing behind.
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_vigil;
      auth_request_set $vigil_decision $upstream_http_x_vigil_decision;
      auth_request_set $vigil_policy $upstream_http_x_vigil_policy;
      auth_request_set $vigil_reason $upstream_http_x_vigil_reason;
      add_header X-Vigil-Decision $vigil_decision always;
      add_header X-Vigil-Policy $vigil_policy always;
      add_header X-Vigil-Reason $vigil_reason always;
      proxy_set_header X-Vigil-Decision $vigil_decision;
      proxy_set_header X-Vigil-Policy $vigil_policy;
      proxy_pass ${options.upstream};
    }
    location = /_vigil {
      internal;
      proxy_pass ${options.vigil}/authz/nginx;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
  }
}
`;
}

/** Starts nginx with the gateway configuration in a temp prefix; resolves once it answers. */
export async function startNginxGateway(options: NginxGatewayOptions): Promise<NginxGateway> {
  const binary = findNginx();
  const prefix = mkdtempSync(join(tmpdir(), 'vigil-nginx-'));
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, dir));
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  // Another process may take the free port between the probe and nginx's bind: try a few.
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, gatewayConfig(prefix, port, options));
    // `-e` sends start-up errors to the prefix too, before the configuration has been read.
    const child = spawn(binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const started = await waitUntilServing(child, `http://127.0.0.1:${port}`);
    if (started) {
      // A crashed test run must not leave nginx serving: it dies with this process.
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      return {
        origin: `http://127.0.0.1:${port}`,
        errorLog,
        async close() {
          process.off('exit', killOnExit);
          await stop(child);
          rmSync(prefix, { recursive: true, force: true });
        },
      };
    }
    await stop(child);
    lastFailure = `${stderr}${errorLog()}`.trim();
    if (!/Address already in use/.test(lastFailure)) break;
  }
  rmSync(prefix, { recursive: true, force: true });
  throw new Error(`nginx did not start: ${lastFailure || 'no output'}`);
}

/** Waits until nginx answers any HTTP at all on `origin`; false if it exits first or takes over 10 s. */
async function waitUntilServing(child: ChildProcess, origin: string): Promise<boolean> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (!exited && Date.now() < deadline) {
    try {
      // No Authorization: Vigil (or whatever sits behind) refuses it, and that answer is enough.
      const res = await fetch(`${origin}/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/** Asks nginx to shut down fast (SIGTERM), then kills it if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
