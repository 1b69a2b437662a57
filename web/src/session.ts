import { api } from './api.ts';

/** Who the token speaks for, from `GET /vigil/me`. */
export interface Me {
  tenantId: string;
  kind: 'apiKey' | 'jwt';
  displayName: string;
  roles: string[];
  permissions: string[];
}

const KEY = 'vigil.token';

/** The token kept for this browser tab (sessionStorage: gone when the tab closes). */
export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Keeps the token for this tab, or forgets it. */
export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
}

/** Asks the API what a token may do; throws ApiError when it is refused. */
export async function whoIs(token: string): Promise<Me> {
  return (await (await api('/vigil/me', {}, token)).json()) as Me;
}

/** Whether the signed-in caller holds a permission. */
export function can(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
}

/** Whether the caller may disable service principals (`PATCH /servicePrincipals/{id}`, an application write). */
export function canDisable(me: Me): boolean {
  return can(me, 'Application.ReadWrite.All');
}

/** Whether the caller may add and remove credentials (Graph's credential actions need `Application.ReadWrite.All`). */
export function canChangeCredentials(me: Me): boolean {
  return can(me, 'Application.ReadWrite.All');
}
