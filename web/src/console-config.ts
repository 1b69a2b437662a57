/** The OIDC provider the console may sign people in with (`GET /console/config.json`). */
export interface OidcConfig {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scopes: string[];
}

/** What the console reads before anyone signs in. */
export interface ConsoleConfig {
  oidc: OidcConfig | null;
}

/** Reads the console's settings; API keys only when they cannot be read. */
export async function readConsoleConfig(): Promise<ConsoleConfig> {
  try {
    const res = await fetch('/console/config.json');
    return res.ok ? ((await res.json()) as ConsoleConfig) : { oidc: null };
  } catch {
    return { oidc: null };
  }
}
