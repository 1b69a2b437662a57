// What a simulated tenant holds, for scoring detections against: every attack with the records that
// show it, the principals an attack touched without succeeding, and the normal changes that look
// like attacks but are not.

/** Attack kinds the simulation plants. */
export type AttackKind =
  | 'stolenSecret'
  | 'attackerCredential'
  | 'listedAddress'
  | 'passwordSpray'
  | 'leakedSecret'
  | 'leakedExpiredSecret'
  | 'offensiveTool';

/** Detections Vigil should raise for an attack (Graph riskEventType names). */
export type ExpectedRiskEventType =
  | 'suspiciousSignins'
  | 'investigationsThreatIntelligence'
  | 'unusualCredentialAddition'
  | 'leakedCredentials';

/** One attacked principal. */
export interface AttackLabel {
  /** Service principal object id. */
  principalId: string;
  appId: string;
  displayName: string;
  kind: AttackKind;
  /** ISO time of the first malicious record: a sign-in, an audit event, or the leak's commit. */
  from: string;
  /** False only for what must not raise anything (a leak of a credential already dead). */
  expectDetection: boolean;
  riskEventTypes: ExpectedRiskEventType[];
  /** Addresses the attacker's sign-ins (and credential changes) came from. */
  ipAddresses: string[];
  /** keyIds of the credentials the attack used, added or leaked. */
  keyIds: string[];
  note: string;
}

/** A principal an attack tried and failed against (a password spray target). */
export interface TargetedLabel {
  principalId: string;
  appId: string;
  displayName: string;
  kind: 'passwordSpray';
  /** ISO time of the first failed attempt against it. */
  from: string;
  ipAddress: string;
}

/** Normal changes the simulation makes, each one a temptation for a false positive. */
export type NormalEventKind =
  | 'credentialRotation'
  | 'sdkUpgrade'
  | 'newPrefix'
  | 'newRegion'
  | 'newResource'
  | 'ciRunner'
  | 'managedIdentityRotation'
  | 'createdMidPeriod';

/** One normal change. */
export interface NormalEventLabel {
  principalId: string;
  displayName: string;
  kind: NormalEventKind;
  /** ISO time the change happened (for ciRunner: when its runs began). */
  at: string;
  note: string;
}

/** The labels.json document. */
export interface SimulationLabels {
  seed: number;
  /** Principals asked for: application service principals and managed identities together. */
  principals: number;
  days: number;
  start: string;
  end: string;
  tenantId: string;
  /** Sign-in records written, both categories, attacks included. */
  signIns: number;
  managedIdentities: number;
  auditEvents: number;
  /** Entries in intel/indicators.txt. */
  indicators: number;
  attacks: AttackLabel[];
  targeted: TargetedLabel[];
  normalEvents: NormalEventLabel[];
}
