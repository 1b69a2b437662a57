import { useEffect, useState } from 'preact/hooks';
import { errorMessage, setApiToken } from './api.ts';
import { type ConsoleConfig, readConsoleConfig } from './console-config.ts';
import { finishOidcSignIn } from './oidc-sign-in.ts';
import { ConditionalAccessPage } from './pages/conditional-access-page.tsx';
import { DetectionsPage } from './pages/detections-page.tsx';
import { PrincipalPage } from './pages/principal-page.tsx';
import { RiskyPrincipalsPage } from './pages/risky-principals-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { type Me, storedToken, storeToken, whoIs } from './session.ts';
import { useHashRoute } from './use-hash-route.ts';

type Session =
  | { state: 'starting' }
  | { state: 'signedOut'; message: string | null }
  | { state: 'signedIn'; me: Me };

const NAV = [
  { href: '#/risky', label: 'Risky workload identities', match: ['risky', 'principals'] },
  { href: '#/detections', label: 'Detections', match: ['detections'] },
  { href: '#/conditional-access', label: 'Conditional Access', match: ['conditional-access'] },
];

/** The console: sign-in first, then the pages, one per hash route. */
export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session>({ state: 'starting' });
  const route = useHashRoute();

  const signOut = (message: string | null) => {
    storeToken(null);
    setApiToken(null);
    setSession({ state: 'signedOut', message });
  };
  const signIn = (token: string, me: Me) => {
    storeToken(token);
    setApiToken(token, () =>
      signOut('Your session ended (the key was revoked or the token expired). Sign in again.'),
    );
    setSession({ state: 'signedIn', me });
  };

  useEffect(() => {
    (async () => {
      const cfg = await readConsoleConfig();
      setConfig(cfg);
      let token = storedToken();
      try {
        token = (await finishOidcSignIn(cfg.oidc)) ?? token;
      } catch (err) {
        signOut(errorMessage(err));
        return;
      }
      if (!token) {
        signOut(null);
        return;
      }
      try {
        signIn(token, await whoIs(token));
      } catch {
        signOut('Your saved sign-in is no longer accepted. Sign in again.');
      }
    })();
  }, []);

  // A page change moves focus to the page's heading, as a screen reader user expects after navigating.
  useEffect(() => {
    if (session.state !== 'signedIn') return;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }, [route.page, route.id, session.state]);

  if (session.state === 'starting') return <p class="boot">Loading Vigil…</p>;
  if (session.state === 'signedOut') {
    return <SignInPage config={config} message={session.message} onSignedIn={signIn} />;
  }
  const { me } = session;
  let page = <RiskyPrincipalsPage me={me} query={route.query} />;
  if (route.page === 'detections') page = <DetectionsPage me={me} query={route.query} />;
  else if (route.page === 'conditional-access') page = <ConditionalAccessPage me={me} />;
  else if (route.page === 'principals' && route.id)
    page = <PrincipalPage key={route.id} me={me} id={route.id} />;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/risky">
          Vigil
        </a>
        <nav aria-label="Pages">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={n.match.includes(route.page) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="who-name" title={`Tenant ${me.tenantId}`}>
            {me.displayName} · {me.roles.join(', ') || 'no role'}
          </span>
          <button type="button" onClick={() => signOut(null)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
