// What attackers' token requests look like. A stolen secret is used with whatever is at hand (a
// script with requests, curl, PowerShell), none of which goes through a Microsoft auth library, so
// Entra lists no library for them; offensive toolkits name themselves in their user agents.
import type { SignInClient } from './sign-in-records.ts';

const plain = (userAgent: string): SignInClient => ({ userAgent, authLibrary: '' });

/** Scripts and command-line tools. */
export const SCRIPT_CLIENTS: readonly SignInClient[] = [
  plain('python-requests/2.31.0'),
  plain('python-requests/2.32.3'),
  plain('curl/8.5.0'),
  plain('curl/7.81.0'),
  plain('Go-http-client/2.0'),
  plain('Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1'),
];

/** Offensive tooling for Entra ID. */
export const OFFENSIVE_CLIENTS: readonly SignInClient[] = [
  plain('roadtx/1.9'),
  plain('AADInternals/0.9.8'),
  plain('TokenTactics/0.2.18'),
  plain('GraphRunner/1.2'),
];

/** Clients of the people an attacker acts as in the portal or with admin tooling. */
export const ATTACKER_ADMIN_USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.2',
  'python/3.11.8 (Linux-6.1.0-18-amd64-x86_64-with-glibc2.36) AZURECLI/2.58.0 (DEB)',
];
