import type { SignInSignal } from '../../baselines/risk-weights.ts';
import type { AssessedAddition, RiskLevel, SignIn } from '../../domain/index.ts';
import { type DetectionCandidate, networkOf, signInCandidate } from '../detection.ts';
import { actorNameOf } from './assess-credential-addition.ts';

/** A sign-in and what the suspicious sign-ins baseline found new about it. */
export interface CredentialUse {
  signIn: SignIn;
  signals: readonly SignInSignal[];
}

/** Tunables of "a new credential used from a new network". */
export interface CredentialUseParameters {
  /** Sign-ins this many days after the addition count as its use. */
  windowDays: number;
  /** Novelties that say the sign-in came from somewhere the workload does not run. */
  networkSignals: readonly SignInSignal[];
  /**
   * Level when the addition itself was routine: an authorised rotation whose secret then shows up
   * on a new network is worth a look (a leak, or a workload moved), but the change is accounted for,
   * as suspicious sign-ins' change awareness also says.
   */
  routineLevel: Exclude<RiskLevel, 'none'>;
  /** Contributing sign-in ids kept in the explanation. */
  maxEvidence: number;
}

/** Defaults: a week after the addition; another network owner, a hosting flip, or a new country with a new ASN. */
export const DEFAULT_CREDENTIAL_USE_PARAMETERS: CredentialUseParameters = Object.freeze({
  windowDays: 7,
  networkSignals: Object.freeze([
    'newAsnOtherOwner',
    'hostingFlip',
    'newCountryWithNewAsn',
  ] as SignInSignal[]),
  routineLevel: 'medium',
  maxEvidence: 20,
});

const SIGNAL_WORD: Partial<Record<SignInSignal, string>> = {
  newAsnOtherOwner: 'a network (ASN) of another owner',
  hostingFlip: 'a hosting/non-hosting change',
  newCountryWithNewAsn: 'a new country with a new ASN',
};

const DAY_MS = 86_400_000;

function usesKey(s: SignIn, keyId: string): boolean {
  const k = keyId.toLowerCase();
  return s.credentialKeyId?.toLowerCase() === k || s.federatedCredentialId?.toLowerCase() === k;
}

/**
 * The strongest sign of an unusual credential addition (spec A3): the added credential signing in,
 * within `windowDays`, from a network the principal's baseline did not know (another owner's ASN,
 * a hosting flip, a new country with a new ASN). High, or `routineLevel` when the addition was
 * routine; its activity is the first such sign-in. Returns null when no use qualifies. The caller
 * passes the principal's sign-ins with the novelty signals suspicious sign-ins found for each.
 */
export function credentialUsedFromNewNetwork(
  addition: AssessedAddition,
  uses: readonly CredentialUse[],
  parameters: CredentialUseParameters = DEFAULT_CREDENTIAL_USE_PARAMETERS,
): DetectionCandidate | null {
  const until = new Date(Date.parse(addition.at) + parameters.windowDays * DAY_MS).toISOString();
  const wanted = new Set(parameters.networkSignals);
  const matched: CredentialUse[] = [];
  for (const u of uses) {
    const s = u.signIn;
    if (s.tenantId !== addition.tenantId || s.servicePrincipalId !== addition.principalId) continue;
    if (s.statusCode !== 0 || s.createdAt < addition.at || s.createdAt >= until) continue;
    if (!usesKey(s, addition.keyId)) continue;
    if (u.signals.some((x) => wanted.has(x))) matched.push(u);
  }
  if (matched.length === 0) return null;
  matched.sort((a, b) =>
    a.signIn.createdAt !== b.signIn.createdAt
      ? a.signIn.createdAt < b.signIn.createdAt
        ? -1
        : 1
      : a.signIn.id < b.signIn.id
        ? -1
        : a.signIn.id > b.signIn.id
          ? 1
          : 0,
  );
  const signIns = matched.map((u) => u.signIn);
  const first = signIns[0]!;
  const signals = [...new Set(matched.flatMap((u) => u.signals.filter((x) => wanted.has(x))))];
  const actor = addition.actorName ?? actorNameOf(addition.actor) ?? 'an unknown actor';
  const level = addition.routine ? parameters.routineLevel : 'high';
  const n = signIns.length;
  return signInCandidate(
    `${addition.tenantId}|${addition.principalId}|unusualCredentialAddition|${addition.keyId}|used`,
    'unusualCredentialAddition',
    level,
    signIns,
    [addition.keyId],
    [
      {
        Key: 'reason',
        Value:
          `Credential ${addition.keyId}, added ${addition.at} by ${actor}` +
          `${addition.routine ? ' (a routine change)' : ` (${addition.reasons.join(', ')})`}, ` +
          `was used ${n === 1 ? 'once' : `${n} times`} within ${parameters.windowDays} days from ` +
          `${signals.map((x) => SIGNAL_WORD[x] ?? x).join(', ')}.`,
      },
      {
        Key: 'addition',
        Value: {
          keyId: addition.keyId,
          at: addition.at,
          by: actor,
          actorKind: addition.actor.kind,
          auditId: addition.auditId,
          routine: addition.routine,
          reasons: addition.reasons,
        },
      },
      { Key: 'signals', Value: signals },
      { Key: 'network', Value: networkOf(first) },
      { Key: 'windowDays', Value: parameters.windowDays },
      { Key: 'signIns', Value: n },
      { Key: 'contributingSignInIds', Value: signIns.slice(0, parameters.maxEvidence).map((s) => s.id) },
    ],
  );
}
