import { useState } from 'preact/hooks';
import { errorMessage } from '../api.ts';
import type { ConsoleConfig } from '../console-config.ts';
import { startOidcSignIn } from '../oidc-sign-in.ts';
import { type Me, whoIs } from '../session.ts';

/** Sign-in with an API key, or with the configured OIDC provider. */
export function SignInPage(props: {
  config: ConsoleConfig | null;
  message: string | null;
  onSignedIn: (token: string, me: Me) => void;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(props.message);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = key.trim();
    if (token === '') {
      setError('Paste an API key first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(token, await whoIs(token));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const oidc = props.config?.oidc ?? null;
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Vigil</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="key-help">
        <label class="field">
          <span>API key</span>
          <input
            type="password"
            name="apiKey"
            autoComplete="off"
            spellcheck={false}
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
            aria-invalid={error !== null}
            aria-describedby="sign-in-error"
          />
        </label>
        <p id="key-help" class="hint">
          A key from <code>vigil keys create --role security-reader</code> (or another role). It is kept in
          this tab only and forgotten when the tab closes.
        </p>
        <p id="sign-in-error" class="notice-slot" role="alert">
          {error ? <span class="notice error">{error}</span> : null}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidc ? (
        <div class="oidc">
          <p>or</p>
          <button
            type="button"
            onClick={() => void startOidcSignIn(oidc).catch((err: unknown) => setError(errorMessage(err)))}
          >
            Sign in with {new URL(oidc.issuer).host}
          </button>
        </div>
      ) : null}
    </main>
  );
}
