import type { AuditActor } from './directory-audit.ts';
import type { CredentialType } from './inventory.ts';
import type { RiskLevel } from './risk.ts';

/** One credential added to an app registration or service principal, as an audit event records it. */
export interface CredentialAddition {
  tenantId: string;
  /** The object the credential was added to. */
  objectId: string;
  objectType: 'servicePrincipal' | 'application';
  objectDisplayName: string | null;
  /** The service principal the credential signs in as: the object itself, or the one of the application's appId. */
  principalId: string;
  appId: string | null;
  keyId: string;
  credentialType: CredentialType;
  /** Graph key type as written (`Password`, `AsymmetricX509Cert`, …); null for federated credentials. */
  keyType: string | null;
  /** The credential's own display name. */
  keyDisplayName: string | null;
  at: string;
  actor: AuditActor;
  /** The actor as a person reads it: UPN, display name, app id or object id. */
  actorName: string | null;
  auditId: string;
  /** The audit activity name as the source wrote it. */
  activity: string;
}

/** Why a credential addition does not fit the object's history (spec A3). */
export type CredentialAdditionReason =
  /** The object, and its app/service principal pair, held no credential before. */
  | 'firstCredential'
  /** The actor added or removed no credential on any object in the lookback window. */
  | 'unusualActor'
  /** A service principal added a credential to another object. */
  | 'servicePrincipalActor'
  /** The principal holds sensitive application permissions or a directory role. */
  | 'privilegedObject'
  /** Consent or a permission grant to the application shortly before. */
  | 'afterConsent'
  /** The principal had not signed in successfully for a long time. */
  | 'dormantObject';

/** A credential addition with its verdict: routine, or the reasons it is not and the level they add up to. */
export interface AssessedAddition extends CredentialAddition {
  routine: boolean;
  reasons: CredentialAdditionReason[];
  /** `none` for routine additions. */
  riskLevel: RiskLevel;
}
