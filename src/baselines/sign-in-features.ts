// The properties detection A1 compares, taken from a sign-in once and normalised so that equal things
// compare equal: addresses by prefix as well as exactly, user agents by product and major version,
// AS organisations without case and punctuation, certificates and client assertions as one kind.

import type { ClientCredentialType, SignIn } from '../domain/index.ts';
import { ipPrefix } from './ip-prefix.ts';
import { memoiseBounded } from './memoise-bounded.ts';
import { parseUserAgent, type UserAgentIdentity } from './parse-user-agent.ts';

/** The comparable properties of one sign-in; null where the sign-in does not tell. */
export interface SignInFeatures {
  /** The exact address, canonical text. */
  ip: string | null;
  /** The address's /24 (IPv4, `a.b.c.0/24`) or /48 (IPv6). */
  ipPrefix: string | null;
  asn: number | null;
  /** The AS organisation, lower-case with punctuation runs as one space (`microsoft corporation`). */
  asOrg: string | null;
  /** ISO 3166-1 alpha-2 country code. */
  country: string | null;
  /** Whether the address is on a cloud or hosting network; null when unknown (no address). */
  hosting: boolean | null;
  /** The hosting provider's name when known (`Microsoft`, `DigitalOcean`). */
  hostingProvider: string | null;
  /** Target resource app id. */
  resource: string | null;
  /** User agent product (`azsdk-python-identity`, `browser:chrome`). */
  userAgentProduct: string | null;
  /** Major version of that product. */
  userAgentMajor: string | null;
  /** Product and major version together (`azsdk-python-identity/1`): one version of one product. */
  userAgent: string | null;
  /** Credential type, with `certificate` read as `clientAssertion` (the way certificates sign in). */
  credentialType: ClientCredentialType | null;
}

// Normalised forms of the few user agents and AS organisations a tenant sees, so extraction costs a Map
// lookup per string instead of a parse.
const userAgentOf: (text: string) => UserAgentIdentity | null = memoiseBounded(parseUserAgent, 4096);
const asOrgKeyOf: (text: string) => string | null = memoiseBounded(normaliseAsOrg, 4096);

// Not a word character: the AS data spells one owner `Amazon.com, Inc.` or `AMAZON.COM, INC.`.
const PUNCTUATION_RUN = /[^\p{L}\p{N}]+/gu;

/** An AS organisation in comparable form: lower-case words separated by one space; null when blank. */
export function normaliseAsOrg(asOrg: string): string | null {
  const key = asOrg.toLowerCase().replace(PUNCTUATION_RUN, ' ').trim();
  return key.length === 0 ? null : key;
}

/** The comparable properties of a sign-in; see SignInFeatures for the normal form of each. */
export function extractSignInFeatures(s: SignIn): SignInFeatures {
  const ip = s.ipAddress;
  const userAgent = s.userAgent === null ? null : userAgentOf(s.userAgent);
  const credentialType = s.credentialType === 'certificate' ? 'clientAssertion' : s.credentialType;
  return {
    ip,
    ipPrefix: ip === null ? null : ipPrefix(ip),
    asn: s.asn,
    asOrg: s.asOrg === null ? null : asOrgKeyOf(s.asOrg),
    country: s.country,
    hosting: s.hosting,
    hostingProvider: s.hostingProvider,
    resource: s.resourceId,
    userAgentProduct: userAgent === null ? null : userAgent.product,
    userAgentMajor: userAgent === null ? null : userAgent.major,
    userAgent: userAgent === null ? null : userAgent.key,
    credentialType,
  };
}
