import type { CredentialAddition, CredentialAdditionReason, RiskLevel } from '../../domain/index.ts';
import type { DetectionCandidate, InfoEntry } from '../detection.ts';
import {
  actorHistoryTrusted,
  actorNameOf,
  assessCredentialAddition,
  type CredentialAdditionContext,
  credentialAdditionLevel,
  DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
  grantsBefore,
  type UnusualCredentialAdditionParameters,
} from './assess-credential-addition.ts';

export {
  assessAddition,
  assessCredentialAddition,
  type CredentialAdditionContext,
  type CredentialAdditionVerdict,
  credentialAdditionLevel,
  DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
  type ObjectCreation,
  type UnusualCredentialAdditionParameters,
} from './assess-credential-addition.ts';
export {
  type CredentialUse,
  type CredentialUseParameters,
  credentialUsedFromNewNetwork,
  DEFAULT_CREDENTIAL_USE_PARAMETERS,
} from './credential-used-from-new-network.ts';

const RISK_EVENT_TYPE = 'unusualCredentialAddition';

/** One addition to evaluate and what the store knows around it. */
export interface CredentialAdditionInput {
  addition: CredentialAddition;
  context: CredentialAdditionContext;
}

/** A detection over credential additions read from the audit log: metadata, parameters, pure evaluate(). */
export interface CredentialAdditionDetection<P> {
  id: string;
  riskEventType: string;
  title: string;
  description: string;
  defaultParameters: P;
  evaluate(inputs: readonly CredentialAdditionInput[], parameters: P): DetectionCandidate[];
}

const CREDENTIAL_WORD: Record<CredentialAddition['credentialType'], string> = {
  password: 'Client secret',
  certificate: 'Certificate',
  federated: 'Federated identity credential',
};

const OBJECT_WORD: Record<CredentialAddition['objectType'], string> = {
  application: 'app registration',
  servicePrincipal: 'service principal',
};

const GRANT_WORD: Record<string, string> = {
  consent: 'consent',
  delegatedGrantAdded: 'a delegated permission grant',
  appRoleAdded: 'an application permission grant',
};

/** The dedupe key of an addition's detection: one detection per added credential. */
export function credentialAdditionDedupeKey(
  a: Pick<CredentialAddition, 'tenantId' | 'principalId' | 'keyId'>,
): string {
  return `${a.tenantId}|${a.principalId}|${RISK_EVENT_TYPE}|${a.keyId}`;
}

/** One clause per reason, for the sentence a person reads first. */
function reasonClause(
  reason: CredentialAdditionReason,
  input: CredentialAdditionInput,
  p: UnusualCredentialAdditionParameters,
): string {
  const { addition: a, context: c } = input;
  const actor = actorNameOf(a.actor) ?? 'an unknown actor';
  switch (reason) {
    case 'firstCredential':
      return `it is the first credential of the ${OBJECT_WORD[a.objectType]} (none before on it or on its ${a.objectType === 'application' ? 'service principal' : 'app registration'})`;
    case 'unusualActor':
      return `${actor} added or removed no credential on any object in the ${p.actorLookbackDays} days before`;
    case 'servicePrincipalActor':
      return `a service principal (${actor}) changed the credentials of another principal`;
    case 'privilegedObject':
      return `the principal holds ${[...c.privilege.permissions, ...c.privilege.roles.map((r) => `the ${r} role`)].join(', ')}`;
    case 'afterConsent': {
      const g = grantsBefore(a, c, p)[0]!;
      return `it follows ${GRANT_WORD[g.kind] ?? g.kind}${g.value === null ? '' : ` (${g.value})`} at ${g.at}${g.actorName === null ? '' : ` by ${g.actorName}`}`;
    }
    case 'dormantObject':
      return c.lastSignInAt === null
        ? `the principal had never signed in successfully in the sign-in history held (since ${c.signInHistorySince})`
        : `the principal had not signed in successfully since ${c.lastSignInAt}`;
  }
}

/** The explanation: what was added, by whom, against which history, and each reason's evidence. */
function explain(
  input: CredentialAdditionInput,
  reasons: readonly CredentialAdditionReason[],
  p: UnusualCredentialAdditionParameters,
): InfoEntry[] {
  const { addition: a, context: c } = input;
  const actor = actorNameOf(a.actor) ?? 'an unknown actor';
  const where = `${OBJECT_WORD[a.objectType]} ${a.objectDisplayName ?? a.objectId}`;
  const info: InfoEntry[] = [
    {
      Key: 'reason',
      Value: `${CREDENTIAL_WORD[a.credentialType]} ${a.keyId} was added to ${where} by ${actor}: ${reasons.map((r) => reasonClause(r, input, p)).join('; ')}.`,
    },
    { Key: 'reasons', Value: [...reasons] },
    {
      Key: 'credential',
      Value: { keyId: a.keyId, type: a.credentialType, keyType: a.keyType, displayName: a.keyDisplayName },
    },
    {
      Key: 'object',
      Value: {
        id: a.objectId,
        type: a.objectType,
        displayName: a.objectDisplayName,
        appId: a.appId,
        servicePrincipalId: a.principalId,
        createdAt: c.createdAt,
      },
    },
    {
      Key: 'actor',
      Value: {
        kind: a.actor.kind,
        name: actor,
        id: a.actor.id,
        userPrincipalName: a.actor.userPrincipalName,
        appId: a.actor.appId,
        servicePrincipalId: a.actor.servicePrincipalId,
        ipAddress: a.actor.ipAddress,
      },
    },
    { Key: 'actorCredentialChanges', Value: c.actorCredentialChanges },
    {
      Key: 'actorHistory',
      Value: {
        lookbackDays: p.actorLookbackDays,
        excludingLastHours: p.actorRecentHours,
        auditHistorySince: c.auditHistorySince,
        trusted: actorHistoryTrusted(a, c, p),
        learningDays: p.actorLearningDays,
      },
    },
    {
      Key: 'credentialsBefore',
      Value: {
        object: c.objectCredentialsBefore,
        pair: c.pairCredentialsBefore,
        lastCredentialSignInAt: c.lastCredentialSignInAt,
      },
    },
    { Key: 'lastSignInAt', Value: c.lastSignInAt },
  ];
  if (c.privilege.privileged) {
    info.push({
      Key: 'privilege',
      Value: { permissions: c.privilege.permissions, roles: c.privilege.roles },
    });
  }
  const grants = grantsBefore(a, c, p);
  if (grants.length > 0) {
    info.push({
      Key: 'grantsBefore',
      Value: grants.slice(0, p.maxEvidence).map((g) => ({
        kind: g.kind,
        value: g.value,
        at: g.at,
        by: g.actorName,
        auditId: g.auditId,
      })),
    });
  }
  info.push({ Key: 'auditId', Value: a.auditId }, { Key: 'activity', Value: a.activity });
  return info;
}

/** Additions in event order, the audit id breaking ties, so the first of a repeated key always wins. */
function inEventOrder(inputs: readonly CredentialAdditionInput[]): CredentialAdditionInput[] {
  return [...inputs].sort((x, y) => {
    const a = x.addition;
    const b = y.addition;
    if (a.at !== b.at) return a.at < b.at ? -1 : 1;
    if (a.auditId !== b.auditId) return a.auditId < b.auditId ? -1 : 1;
    return a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0;
  });
}

/**
 * `unusualCredentialAddition` (spec A3): a secret, certificate or federated credential added to an
 * app registration or service principal in a way that does not fit its history: the object's first
 * credential, an actor new to credential management or a service principal acting on another, a
 * privileged principal, shortly after consent, or to a dormant principal. Routine changes (platform
 * rotation of managed identity certificates, provisioning, rotations by actors who routinely manage
 * credentials) do not fire. One detection per added credential; the level follows the table on
 * DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS.
 */
export const unusualCredentialAdditionDetection: CredentialAdditionDetection<UnusualCredentialAdditionParameters> =
  {
    id: 'unusual-credential-addition',
    riskEventType: RISK_EVENT_TYPE,
    title: 'Unusual addition of credentials',
    description:
      'A credential was added to an application or service principal in a way that does not fit its history: its first credential, an actor new to credential management or another service principal, a privileged principal, shortly after consent, or a dormant principal.',
    defaultParameters: DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
    evaluate(inputs, parameters) {
      const out: DetectionCandidate[] = [];
      const seen = new Set<string>();
      for (const input of inEventOrder(inputs)) {
        const { addition: a } = input;
        const dedupeKey = credentialAdditionDedupeKey(a);
        if (seen.has(dedupeKey)) continue;
        const verdict = assessCredentialAddition(a, input.context, parameters);
        if (verdict.routine) continue;
        const level: RiskLevel = credentialAdditionLevel(verdict.reasons, parameters);
        if (level === 'none') continue;
        seen.add(dedupeKey);
        out.push({
          dedupeKey,
          riskEventType: RISK_EVENT_TYPE,
          riskLevel: level,
          activity: 'servicePrincipal',
          activityDateTime: a.at,
          ipAddress: a.actor.ipAddress,
          location: null,
          keyIds: [a.keyId],
          requestId: null,
          correlationId: null,
          additionalInfo: explain(input, verdict.reasons, parameters),
        });
      }
      return out;
    },
  };
