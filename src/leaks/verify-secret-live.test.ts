import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type FetchFunction,
  readTokenResponse,
  tokenEndpointFor,
  verifySecretLive,
} from './verify-secret-live.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const SECRET = 'm2L5Q~FAKE.appsettings.secret-TEST-0001';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.FAKE-TEST-token.c2lnbmF0dXJl';
const ENDPOINT = 'https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token';

// Answers as Entra's v2.0 token endpoint writes them (ids and times from a test tenant).
const TRACE =
  'Trace ID: 0b5c7e2a-4f1d-4c3b-9a8e-6d2f1b7c4a00 Correlation ID: 9e4d2c1b-7a6f-4e5d-8c3b-2a1f0e9d8c7b Timestamp: 2026-11-27 01:02:03Z';
function entraError(error: string, code: number, description: string): string {
  return JSON.stringify({
    error,
    error_description: `AADSTS${code}: ${description} ${TRACE}`,
    error_codes: [code],
    timestamp: '2026-11-27 01:02:03Z',
    trace_id: '0b5c7e2a-4f1d-4c3b-9a8e-6d2f1b7c4a00',
    correlation_id: '9e4d2c1b-7a6f-4e5d-8c3b-2a1f0e9d8c7b',
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
const INVALID_SECRET_BODY = entraError(
  'invalid_client',
  7000215,
  `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${APP}'.`,
);
const EXPIRED_SECRET_BODY = entraError(
  'invalid_client',
  7000222,
  `The provided client secret keys for app '${APP}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
);
const APP_NOT_FOUND_BODY = entraError(
  'unauthorized_client',
  700016,
  `Application with identifier '${APP}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
);
const TENANT_NOT_FOUND_BODY = entraError(
  'invalid_request',
  90002,
  `Tenant '${TENANT}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
);
const TOKEN_BODY = JSON.stringify({
  token_type: 'Bearer',
  expires_in: 3599,
  ext_expires_in: 3599,
  access_token: ACCESS_TOKEN,
});

describe('readTokenResponse', () => {
  it('reads a token as a valid secret, without keeping the token', () => {
    const r = readTokenResponse(200, TOKEN_BODY);
    assert.equal(r.verdict, 'valid');
    assert.ok(!JSON.stringify(r).includes(ACCESS_TOKEN));
  });

  it("reads Entra's refusals: invalid secret, expired secret, unknown app, unknown tenant", () => {
    assert.deepEqual(readTokenResponse(401, INVALID_SECRET_BODY), {
      verdict: 'invalid',
      detail: 'HTTP 401 invalid_client AADSTS7000215: invalid client secret',
    });
    assert.deepEqual(readTokenResponse(401, EXPIRED_SECRET_BODY), {
      verdict: 'expired',
      detail: 'HTTP 401 invalid_client AADSTS7000222: client secret expired',
    });
    assert.equal(readTokenResponse(400, INVALID_SECRET_BODY).verdict, 'invalid');
    assert.deepEqual(readTokenResponse(400, APP_NOT_FOUND_BODY), {
      verdict: 'unknownApp',
      detail: 'HTTP 400 unauthorized_client AADSTS700016: application not found in the tenant',
    });
    assert.deepEqual(readTokenResponse(400, TENANT_NOT_FOUND_BODY), {
      verdict: 'unknownApp',
      detail: 'HTTP 400 invalid_request AADSTS90002: tenant not found',
    });
  });

  it('takes the code from error_description when error_codes is missing', () => {
    const body = JSON.parse(INVALID_SECRET_BODY);
    delete body.error_codes;
    assert.equal(readTokenResponse(401, JSON.stringify(body)).verdict, 'invalid');
  });

  it('never takes rate limits, server errors or unknown answers as proof either way', () => {
    for (const [status, text] of [
      [429, ''],
      [503, '<html><body>Service Unavailable</body></html>'],
      [500, INVALID_SECRET_BODY],
      [200, '{"token_type":"Bearer"}'],
      [200, 'not json'],
      [
        400,
        entraError('invalid_scope', 70011, 'The provided value for the input parameter scope is not valid.'),
      ],
      [400, JSON.stringify({ error: 'invalid_request', error_codes: [7000215] })],
      [302, ''],
      [404, '<html>Not Found</html>'],
    ] as const) {
      assert.equal(readTokenResponse(status, text).verdict, 'unavailable', `${status} ${text}`);
    }
    assert.equal(readTokenResponse(429, '').detail, 'HTTP 429, rate limited');
  });

  it("does not repeat an endpoint's free text", () => {
    const echo = JSON.stringify({ error: `invalid_client ${SECRET}`, error_description: SECRET });
    const r = readTokenResponse(401, echo);
    assert.equal(r.verdict, 'unavailable');
    assert.ok(!r.detail.includes(SECRET), r.detail);
  });
});

/** A fetch that records what it was asked and answers with `answer`. */
function fakeFetch(
  answer: (url: string, init: Parameters<FetchFunction>[1]) => Promise<Response> | Response,
) {
  const calls: { url: string; init: Parameters<FetchFunction>[1] }[] = [];
  const fetch: FetchFunction = async (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  return { fetch, calls };
}

describe('verifySecretLive', () => {
  const request = { tenantId: TENANT, appId: APP, secret: SECRET };

  it('posts a client-credentials form to the tenant’s endpoint and reads the answer', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(TOKEN_BODY, { status: 200 }));
    const r = await verifySecretLive(request, {
      tokenEndpoint: ENDPOINT,
      scope: 'https://graph.microsoft.com/.default',
      timeoutMs: 1000,
      fetch,
    });
    assert.equal(r.verdict, 'valid');
    const [call] = calls;
    assert.equal(call?.url, `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    assert.equal(call?.init.method, 'POST');
    assert.equal(call?.init.redirect, 'manual');
    assert.equal(call?.init.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(call?.init.body)), {
      grant_type: 'client_credentials',
      client_id: APP,
      client_secret: SECRET,
      scope: 'https://graph.microsoft.com/.default',
    });
  });

  it('reads a refusal', async () => {
    const { fetch } = fakeFetch(() => new Response(INVALID_SECRET_BODY, { status: 401 }));
    const r = await verifySecretLive(request, {
      tokenEndpoint: ENDPOINT,
      scope: 's',
      timeoutMs: 1000,
      fetch,
    });
    assert.equal(r.verdict, 'invalid');
  });

  it('gives up after the timeout', async () => {
    const { fetch } = fakeFetch(
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    );
    const r = await verifySecretLive(request, { tokenEndpoint: ENDPOINT, scope: 's', timeoutMs: 50, fetch });
    assert.deepEqual(r, { verdict: 'unavailable', detail: 'no answer within 0.05 s' });
  });

  it('takes a network error as unavailable, naming the error only', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      });
    });
    const r = await verifySecretLive(request, {
      tokenEndpoint: ENDPOINT,
      scope: 's',
      timeoutMs: 1000,
      fetch,
    });
    assert.deepEqual(r, { verdict: 'unavailable', detail: 'request failed: ECONNREFUSED' });
  });

  it('stops reading an answer larger than the bound', async () => {
    const huge = JSON.stringify({ access_token: 'x'.repeat(10_000) });
    const { fetch } = fakeFetch(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(huge));
              controller.close();
            },
          }),
          { status: 200 },
        ),
    );
    const r = await verifySecretLive(request, {
      tokenEndpoint: ENDPOINT,
      scope: 's',
      timeoutMs: 1000,
      fetch,
      maxResponseBytes: 1024,
    });
    assert.deepEqual(r, { verdict: 'unavailable', detail: 'HTTP 200, answer too large' });
  });

  it('substitutes the tenant, encoded, wherever the placeholder stands', () => {
    assert.equal(
      tokenEndpointFor('https://{tenantId}.ciamlogin.com/{tenantId}/oauth2/v2.0/token', 'a/b'),
      'https://a%2Fb.ciamlogin.com/a%2Fb/oauth2/v2.0/token',
    );
  });
});
