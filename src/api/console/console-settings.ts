import type { Config, ConsoleOidcSettings } from '../../config/schema.ts';

/** What the console needs to know before anyone signs in. */
export interface ConsoleSettings {
  /** Null: API keys only. */
  oidc: ConsoleOidcSettings | null;
}

/** The console's settings from the process configuration. */
export function consoleSettingsOf(config: Readonly<Config>): ConsoleSettings {
  return { oidc: config.consoleOidc };
}

/**
 * The console page's Content-Security-Policy: its own scripts, styles and API only, nothing inline,
 * and the OIDC provider's token endpoint as the one other address it may call.
 */
export function contentSecurityPolicy(settings: ConsoleSettings): string {
  const connect = ["'self'"];
  if (settings.oidc) connect.push(new URL(settings.oidc.tokenEndpoint).origin);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
