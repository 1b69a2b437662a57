import type { SignIn } from '../domain/index.ts';
import type { IpIntel } from '../enrich/ip-intel.ts';

/**
 * Fills a sign-in's network facts from offline IP data. Values the record itself carries (Entra
 * writes the ASN and location it saw) win over looked-up ones; hosting is always ours to decide.
 */
export function enrichSignIn(s: SignIn, intel: IpIntel): void {
  if (s.ipAddress === null) return;
  const facts = intel.lookup(s.ipAddress);
  if (facts.scope !== 'public') return;
  if (s.asn === null) s.asn = facts.asn;
  if (s.asOrg === null && s.asn === facts.asn) s.asOrg = facts.asOrg;
  if (s.country === null) s.country = facts.country;
  s.hosting = facts.hosting;
  s.hostingProvider = facts.hostingProvider;
}
