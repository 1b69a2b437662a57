// How much each kind of sign-in novelty says about a stolen credential. The threat is a credential used
// from somewhere its workload does not run; workloads legitimately move within their own networks
// (new regions, rotating cloud addresses, SDK upgrades), so those moves weigh little or nothing.

/**
 * What a sign-in showed that its principal's baseline did not know. Each property yields at most one
 * signal per sign-in; the name says what was new and in what context.
 */
export type SignInSignal =
  /** Hosting ↔ non-hosting: a cloud workload seen on a residential line, or the reverse. */
  | 'hostingFlip'
  /** An ASN whose provider and AS organisation the principal has never used. */
  | 'newAsnOtherOwner'
  /** A new ASN of a provider or AS organisation the principal already uses (e.g. Microsoft 8068 after 8075). */
  | 'newAsnFamiliarProvider'
  /** A new country, seen together with a new ASN. */
  | 'newCountryWithNewAsn'
  /** A new country within a familiar ASN (a new region), or with no ASN known. */
  | 'newCountry'
  /** A new /24 (IPv4) or /48 (IPv6) prefix. */
  | 'newIpPrefix'
  /** A new exact address inside a familiar prefix: rotating cloud addresses. */
  | 'newIpAddress'
  /** A credential type the principal has not signed in with (e.g. a secret where it used certificates). */
  | 'newCredentialType'
  /** A user agent product the principal has not used. */
  | 'newUserAgentProduct'
  /** A new version of a user agent product the principal already uses: SDK and runtime upgrades. */
  | 'newUserAgentVersion'
  /** A target resource the principal has not requested tokens for. */
  | 'newResource';

/** How much one signal weighs. */
export type SignalWeight = 'strong' | 'medium' | 'weak' | 'none';

/** A weight for every signal; a tenant may override any of them. */
export type SignInRiskWeights = Readonly<Record<SignInSignal, SignalWeight>>;

/** The risk level a set of signals adds up to. */
export type SignInRiskLevel = 'high' | 'medium' | 'low' | 'none';

/**
 * The weights of detection A1's risk table, as documented there:
 *
 * | What is new                                                           | Signal                  | Weight |
 * |-----------------------------------------------------------------------|-------------------------|--------|
 * | hosting ↔ non-hosting flip                                            | hostingFlip             | strong |
 * | an ASN of another network owner (not the provider already used)       | newAsnOtherOwner        | strong |
 * | a country, together with a new ASN                                    | newCountryWithNewAsn    | strong |
 * | a credential type                                                     | newCredentialType       | medium |
 * | a user agent of another product                                       | newUserAgentProduct     | medium |
 * | a target resource                                                     | newResource             | weak   |
 * | a country within a familiar ASN (a new region)                        | newCountry              | weak   |
 * | an IP prefix (/24, /48) — within a familiar ASN, rotating cloud IPs   | newIpPrefix             | weak   |
 * | an ASN of a provider the principal already uses                       | newAsnFamiliarProvider  | weak   |
 * | a new version of a familiar user agent                                | newUserAgentVersion     | none   |
 * | an exact address inside a familiar prefix                             | newIpAddress            | none   |
 *
 * The last two rows of the catalogue's table are split in two here: a new ASN of a familiar provider
 * is the "within their own networks" case, and a new exact address inside a known prefix is the
 * rotation the prefix comparison exists to absorb. A new prefix in a new ASN is also weak on its own;
 * the ASN signal carries that evidence.
 */
export const DEFAULT_SIGN_IN_RISK_WEIGHTS: SignInRiskWeights = Object.freeze({
  hostingFlip: 'strong',
  newAsnOtherOwner: 'strong',
  newCountryWithNewAsn: 'strong',
  newCredentialType: 'medium',
  newUserAgentProduct: 'medium',
  newResource: 'weak',
  newCountry: 'weak',
  newIpPrefix: 'weak',
  newAsnFamiliarProvider: 'weak',
  newUserAgentVersion: 'none',
  newIpAddress: 'none',
});

/**
 * The default weights with a tenant's overrides applied; signals the overrides leave out keep their
 * default, so a configuration written today stays valid when a signal is added.
 */
export function createSignInRiskWeights(overrides: Partial<SignInRiskWeights>): SignInRiskWeights {
  const table: Record<SignInSignal, SignalWeight> = { ...DEFAULT_SIGN_IN_RISK_WEIGHTS };
  for (const signal of Object.keys(overrides) as SignInSignal[]) {
    const weight = overrides[signal];
    if (weight !== undefined && signal in table) table[signal] = weight;
  }
  return Object.freeze(table);
}

// One bit per signal, so a group of sign-ins that repeats the same novelty counts it once.
const SIGNAL_BITS: Readonly<Record<SignInSignal, number>> = Object.freeze({
  hostingFlip: 1 << 0,
  newAsnOtherOwner: 1 << 1,
  newAsnFamiliarProvider: 1 << 2,
  newCountryWithNewAsn: 1 << 3,
  newCountry: 1 << 4,
  newIpPrefix: 1 << 5,
  newIpAddress: 1 << 6,
  newCredentialType: 1 << 7,
  newUserAgentProduct: 1 << 8,
  newUserAgentVersion: 1 << 9,
  newResource: 1 << 10,
});

/**
 * The risk level of one sign-in's signals, or of a group's: two strong, or one strong and a medium →
 * high; one strong, or two mediums → medium; anything weaker that still carries weight (weak signals,
 * or a single medium, since the table asks for two mediums to reach medium) → low; nothing weighted →
 * none. Each distinct signal counts once: ten sign-ins from one new ASN are one piece of evidence.
 */
export function levelFromSignals(
  signals: Iterable<SignInSignal>,
  weights: SignInRiskWeights = DEFAULT_SIGN_IN_RISK_WEIGHTS,
): SignInRiskLevel {
  let seen = 0;
  let strong = 0;
  let medium = 0;
  let weak = 0;
  for (const signal of signals) {
    const bit = SIGNAL_BITS[signal];
    if ((seen & bit) !== 0) continue;
    seen |= bit;
    const weight = weights[signal];
    if (weight === 'strong') strong++;
    else if (weight === 'medium') medium++;
    else if (weight === 'weak') weak++;
  }
  if (strong >= 2 || (strong === 1 && medium >= 1)) return 'high';
  if (strong === 1 || medium >= 2) return 'medium';
  if (medium === 1 || weak >= 1) return 'low';
  return 'none';
}
