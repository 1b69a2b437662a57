import type { OidcConfig } from './console-config.ts';

const PENDING = 'vigil.oidc';

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function randomText(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Where the provider sends the person back: the console's own address, without a fragment. */
function redirectUri(): string {
  return `${location.origin}/`;
}

/**
 * Starts an authorization-code sign-in with PKCE (S256): the verifier and state stay in this tab's
 * sessionStorage, the browser goes to the provider.
 */
export async function startOidcSignIn(oidc: OidcConfig): Promise<void> {
  const verifier = randomText();
  const state = randomText();
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(oidc.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', oidc.scopes.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

/**
 * Finishes a sign-in when the provider has sent the person back with `?code=…&state=…`: checks the
 * state, trades the code and verifier for an access token, and cleans the address bar. Null when
 * this page load is not such a return.
 */
export async function finishOidcSignIn(oidc: OidcConfig | null): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const returned = params.get('state');
  const failure = params.get('error_description') ?? params.get('error');
  if (!code && !failure) return null;
  history.replaceState(null, '', redirectUri());
  if (failure) throw new Error(`The sign-in provider refused: ${failure}`);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  if (!oidc || !pending || pending.state !== returned)
    throw new Error('The sign-in could not be verified; try again.');
  const res = await fetch(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new Error(`The sign-in provider gave no token: ${body.error_description ?? res.statusText}`);
  }
  return body.access_token;
}
