import type { SignIn } from '../../domain/index.ts';
import type { IpIndicator } from '../../enrich/threat-intel/indicator.ts';
import { type DetectionCandidate, defineSignInDetection, networkOf, signInCandidate } from '../detection.ts';

/** Tunables of the listed-address detection. */
export interface ThreatIntelParameters {
  /** Indicators at or above this confidence make a successful sign-in high risk (below: medium). */
  highConfidence: number;
  /** Failed sign-ins from listed addresses are raised too, one level lower. */
  includeFailures: boolean;
  /** Contributing sign-in ids kept in the explanation. */
  maxEvidence: number;
}

/** What the detection needs from outside: a matcher over the loaded indicator sets. */
export interface ThreatIntelContext {
  match(ip: string, at: string): IpIndicator[] | null;
}

interface Group {
  first: SignIn;
  signIns: SignIn[];
  successful: number;
  indicators: IpIndicator[];
  keyIds: Set<string>;
}

/**
 * `investigationsThreatIntelligence` (spec A2), listed addresses: a sign-in, successful or failed,
 * from an address a threat-intelligence source lists and that is valid at the sign-in's time.
 * Sign-ins of one principal from one address on one day are one detection; a successful one from
 * a confident listing is high risk.
 */
export const threatIntelligenceDetection = defineSignInDetection<ThreatIntelParameters, ThreatIntelContext>({
  id: 'threat-intelligence',
  riskEventType: 'investigationsThreatIntelligence',
  title: 'Sign-in from an address listed by threat intelligence',
  description:
    'The principal signed in, or tried to, from an address that a threat-intelligence source lists as malicious at that time.',
  defaultParameters: { highConfidence: 75, includeFailures: true, maxEvidence: 50 },
  open(principal, context, parameters) {
    const groups = new Map<string, Group>();
    return {
      add(s) {
        if (s.ipAddress === null) return;
        if (s.statusCode !== 0 && !parameters.includeFailures) return;
        const hits = context.match(s.ipAddress, s.createdAt);
        if (hits === null) return;
        const key = `${principal.tenantId}|${principal.principalId}|investigationsThreatIntelligence|${s.ipAddress}|${s.createdAt.slice(0, 10)}`;
        let g = groups.get(key);
        if (!g) {
          g = { first: s, signIns: [], successful: 0, indicators: hits, keyIds: new Set() };
          groups.set(key, g);
        }
        g.signIns.push(s);
        if (s.statusCode === 0) g.successful++;
        if (s.credentialKeyId) g.keyIds.add(s.credentialKeyId);
      },
      finish: () => candidatesOf(groups, parameters),
    };
  },
});

function candidatesOf(groups: Map<string, Group>, parameters: ThreatIntelParameters): DetectionCandidate[] {
  const out: DetectionCandidate[] = [];
  for (const [dedupeKey, g] of groups) {
    const confidence = Math.max(...g.indicators.map((i) => i.confidence));
    const confident = confidence >= parameters.highConfidence;
    const riskLevel = g.successful > 0 ? (confident ? 'high' : 'medium') : confident ? 'medium' : 'low';
    const sources = [...new Set(g.indicators.map((i) => i.source))];
    out.push(
      signInCandidate(dedupeKey, 'investigationsThreatIntelligence', riskLevel, g.signIns, g.keyIds, [
        {
          Key: 'reason',
          Value:
            `${g.signIns.length} sign-in${g.signIns.length === 1 ? '' : 's'} (${g.successful} successful) from ` +
            `${g.first.ipAddress}, listed by ${sources.join(', ')} (confidence ${confidence}).`,
        },
        {
          Key: 'indicators',
          Value: g.indicators.map((i) => ({
            cidr: i.cidr,
            source: i.source,
            confidence: i.confidence,
            labels: i.labels,
            validFrom: i.validFrom,
            validUntil: i.validUntil,
            description: i.description,
          })),
        },
        { Key: 'network', Value: networkOf(g.first) },
        { Key: 'signIns', Value: g.signIns.length },
        { Key: 'successfulSignIns', Value: g.successful },
        {
          Key: 'contributingSignInIds',
          Value: g.signIns.slice(0, parameters.maxEvidence).map((s) => s.id),
        },
      ]),
    );
  }
  return out;
}
