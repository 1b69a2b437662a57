import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { detections } from '../../detections/index.ts';
import type { ExportRecord } from '../destination.ts';

/*
 * ArcSight Common Event Format (CEF:0), one line per export record:
 *
 *   CEF:0|Vigil|Vigil|<version>|<signature>|<name>|<severity>|<extensions>
 *
 * Escaping follows the CEF standard exactly: header fields escape `\` and `|`; extension values
 * escape `\` and `=` and encode line breaks as `\n` / `\r`; pipes in extension values stay as they
 * are. The standard has no escape for other control characters and many syslog receivers rewrite
 * them (rsyslog turns a tab into `#011`), so they become spaces, as line breaks do in the header,
 * where the standard allows none.
 *
 * Severity (0–10) from the risk level: none → 1, low → 3, medium → 6, high → 9; hidden, unknown or
 * missing → 5 (not known to be low, so not buried). Sign-ins and audit events are routine: 1 when
 * they succeeded, 3 when they failed.
 *
 * Extensions, each written only when the record has a value:
 *   rt        the event's time in ms since the epoch (detected, last updated, created or activity
 *             time; the record's time when the object has none)
 *   start     a detection's activity time
 *   cat       the export category
 *   externalId the Graph object's id (detection, sign-in, audit event; the principal's for risk)
 *   suid/suser the workload identity (for audit events: who acted, user or app)
 *   duid/duser an audit event's first target
 *   src / c6a2 the client address: IPv4 in `src` (the standard types it IPv4), IPv6 in `c6a2`
 *             labelled "Source IPv6 Address"; anything else is not an address and is left out
 *   outcome   success | failure (sign-ins and audit events)
 *   reason    riskDetail, a sign-in's failureReason, an audit event's resultReason
 *   msg       a detection's explanation (the `reason` entry of its additionalInfo)
 *   act       an audit event's operationType
 *   requestClientApplication a sign-in's user agent
 *   cs1       appId
 *   cs2       keyIds, comma-joined (a risk change: its riskEventTypes)
 *   cs3       riskState (a sign-in: its resource; an audit event: its category)
 *   cs4       recordId, stable across retries: de-duplicate by it
 *   cs5       riskLevel (a sign-in: its resourceId; an audit event: loggedByService)
 *   cs6       tenantId
 * Each csN comes with its csNLabel, so a receiver need not know this table.
 *   cn1 a sign-in's status.errorCode · cn2 its autonomous system number
 *   flexString1 who changed a principal's risk (a risk history item's initiatedBy)
 */

const VENDOR = 'Vigil';
const PRODUCT = 'Vigil';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** CEF severity of each Graph riskLevel; members not listed (hidden, unknownFutureValue) get 5. */
const RISK_SEVERITY: Readonly<Record<string, number>> = { none: 1, low: 3, medium: 6, high: 9 };
const UNKNOWN_RISK_SEVERITY = 5;

// Entra's portal names of its risk event types; several Vigil detections share one of them
// (threat intelligence, offensive tools and password spray all raise investigationsThreatIntelligence),
// so the type's name wins over any one detection's title.
const ENTRA_TITLES: Readonly<Record<string, string>> = {
  investigationsThreatIntelligence: 'Microsoft Entra threat intelligence',
  suspiciousSignins: 'Suspicious sign-ins',
  leakedCredentials: 'Leaked credentials',
  adminConfirmedServicePrincipalCompromised: 'Admin confirmed service principal compromised',
  anomalousServicePrincipalActivity: 'Anomalous service principal activity',
  maliciousApplication: 'Malicious application',
  suspiciousApplication: 'Suspicious application',
  suspiciousAPITraffic: 'Suspicious API traffic',
  generic: 'Service principal risk',
};
// Risk event types only Vigil raises (unusualCredentialAddition), by their detection's title.
const DETECTION_TITLES = new Map(detections.map((d) => [d.riskEventType, d.title]));

const RISK_STATE_TITLES: Readonly<Record<string, string>> = {
  atRisk: 'Service principal at risk',
  confirmedCompromised: 'Service principal confirmed compromised',
  dismissed: 'Service principal risk dismissed',
  remediated: 'Service principal risk remediated',
  confirmedSafe: 'Service principal confirmed safe',
  none: 'Service principal risk cleared',
};

type Properties = Record<string, unknown>;
type Extension = readonly [key: string, value: string | undefined];

/** One export record as a CEF line (no line break at the end). */
export function cefOf(record: ExportRecord): string {
  const { signature, name, extensions } = eventOf(record);
  const header = ['CEF:0', VENDOR, PRODUCT, VERSION, signature, name, String(cefSeverityOf(record))]
    .map((field, i) => (i === 0 ? field : escapeHeader(field)))
    .join('|');
  const body = extensions
    .filter((e): e is readonly [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([key, value]) => `${key}=${escapeExtension(value)}`)
    .join(' ');
  return `${header}|${body}`;
}

/** The CEF severity (0–10) of a record, as `cefOf` writes it. */
export function cefSeverityOf(record: ExportRecord): number {
  const p = record.envelope.properties;
  switch (record.category) {
    case 'ServicePrincipalRiskEvents':
    case 'RiskyServicePrincipals':
      return RISK_SEVERITY[text(p.riskLevel) ?? ''] ?? UNKNOWN_RISK_SEVERITY;
    case 'ServicePrincipalSignInLogs':
    case 'ManagedIdentitySignInLogs':
      return signInSucceeded(p) ? 1 : 3;
    case 'AuditLogs':
      return text(p.result) === 'failure' || text(p.result) === 'timeout' ? 3 : 1;
  }
}

/** Escapes a CEF header field: `\` and `|`; line breaks, which a header cannot hold, become spaces. */
export function escapeHeader(value: string): string {
  return spaceControls(value.replace(/[\r\n]/g, ' ')).replace(/[\\|]/g, (c) => `\\${c}`);
}

/** Escapes a CEF extension value: `\`, `=`, and line breaks as `\n` / `\r`. */
export function escapeExtension(value: string): string {
  return spaceControls(value).replace(/[\\=\r\n]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`,
  );
}

// C0 controls but CR and LF, and DEL: CEF cannot carry them and receivers mangle them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g;

function spaceControls(value: string): string {
  return value.replace(CONTROLS, ' ');
}

interface CefEvent {
  signature: string;
  name: string;
  extensions: readonly Extension[];
}

function eventOf(record: ExportRecord): CefEvent {
  const p = record.envelope.properties;
  switch (record.category) {
    case 'ServicePrincipalRiskEvents':
      return detectionEvent(record, p);
    case 'RiskyServicePrincipals':
      return riskyPrincipalEvent(record, p);
    case 'ServicePrincipalSignInLogs':
    case 'ManagedIdentitySignInLogs':
      return signInEvent(record, p);
    case 'AuditLogs':
      return auditEvent(record, p);
  }
}

function detectionEvent(record: ExportRecord, p: Properties): CefEvent {
  const riskEventType = text(p.riskEventType) ?? 'unknown';
  return {
    signature: riskEventType,
    name:
      ENTRA_TITLES[riskEventType] ?? DETECTION_TITLES.get(riskEventType) ?? `Risk detection ${riskEventType}`,
    extensions: [
      ['rt', epochMs(p.detectedDateTime, record.time)],
      ['start', epochMs(p.activityDateTime)],
      ['cat', record.category],
      ['externalId', text(p.id)],
      ['suid', text(p.servicePrincipalId)],
      ['suser', text(p.servicePrincipalDisplayName)],
      ...addressOf(p.ipAddress),
      ['reason', text(p.riskDetail)],
      ['msg', explanationOf(p.additionalInfo)],
      ...custom(1, 'appId', text(p.appId)),
      ...custom(2, 'keyIds', list(p.keyIds)),
      ...custom(3, 'riskState', text(p.riskState)),
      ...custom(4, 'recordId', record.id),
      ...custom(5, 'riskLevel', text(p.riskLevel)),
      ...custom(6, 'tenantId', record.tenantId),
    ],
  };
}

function riskyPrincipalEvent(record: ExportRecord, p: Properties): CefEvent {
  const riskState = text(p.riskState);
  return {
    signature: 'riskyServicePrincipal',
    name: RISK_STATE_TITLES[riskState ?? ''] ?? 'Service principal risk changed',
    extensions: [
      ['rt', epochMs(p.riskLastUpdatedDateTime, record.time)],
      ['cat', record.category],
      ['externalId', text(p.id)],
      ['suid', text(p.id)],
      ['suser', text(p.displayName)],
      ['reason', text(p.riskDetail)],
      ...custom(1, 'appId', text(p.appId)),
      ...custom(2, 'riskEventTypes', list(object(p.activity).riskEventTypes)),
      ...custom(3, 'riskState', riskState),
      ...custom(4, 'recordId', record.id),
      ...custom(5, 'riskLevel', text(p.riskLevel)),
      ...custom(6, 'tenantId', record.tenantId),
      ['flexString1Label', text(p.initiatedBy) === undefined ? undefined : 'initiatedBy'],
      ['flexString1', text(p.initiatedBy)],
    ],
  };
}

function signInEvent(record: ExportRecord, p: Properties): CefEvent {
  const managed = record.category === 'ManagedIdentitySignInLogs';
  const succeeded = signInSucceeded(p);
  const status = object(p.status);
  return {
    signature: managed ? 'managedIdentitySignIn' : 'servicePrincipalSignIn',
    name: `${managed ? 'Managed identity' : 'Service principal'} sign-in ${succeeded ? 'succeeded' : 'failed'}`,
    extensions: [
      ['rt', epochMs(p.createdDateTime, record.time)],
      ['cat', record.category],
      ['externalId', text(p.id)],
      ['suid', text(p.servicePrincipalId)],
      ['suser', text(p.servicePrincipalName) ?? text(p.appDisplayName)],
      ...addressOf(p.ipAddress),
      ['outcome', succeeded ? 'success' : 'failure'],
      ['reason', succeeded ? undefined : text(status.failureReason)],
      ['requestClientApplication', text(p.userAgent)],
      ...custom(1, 'appId', text(p.appId)),
      ...custom(2, 'keyIds', text(p.servicePrincipalCredentialKeyId)),
      ...custom(3, 'resource', text(p.resourceDisplayName)),
      ...custom(4, 'recordId', record.id),
      ...custom(5, 'resourceId', text(p.resourceId)),
      ...custom(6, 'tenantId', record.tenantId),
      ...customNumber(1, 'errorCode', status.errorCode),
      ...customNumber(2, 'autonomousSystemNumber', p.autonomousSystemNumber),
    ],
  };
}

function auditEvent(record: ExportRecord, p: Properties): CefEvent {
  const activity = text(p.activityDisplayName) ?? 'unknown';
  const initiatedBy = object(p.initiatedBy);
  const user = object(initiatedBy.user);
  const app = object(initiatedBy.app);
  const targets = Array.isArray(p.targetResources) ? p.targetResources.map(object) : [];
  const target = targets[0] ?? {};
  const result = text(p.result);
  return {
    signature: activity,
    name: activity,
    extensions: [
      ['rt', epochMs(p.activityDateTime, record.time)],
      ['cat', record.category],
      ['externalId', text(p.id)],
      ['suid', text(user.id) ?? text(app.servicePrincipalId)],
      ['suser', text(user.userPrincipalName) ?? text(user.displayName) ?? text(app.displayName)],
      ['duid', text(target.id)],
      ['duser', text(target.displayName)],
      ...addressOf(user.ipAddress),
      ['outcome', result === undefined ? undefined : result === 'success' ? 'success' : 'failure'],
      ['reason', text(p.resultReason)],
      ['act', text(p.operationType)],
      ...custom(1, 'appId', text(app.appId)),
      ...custom(2, 'keyIds', keyIdsOf(targets)),
      ...custom(3, 'auditCategory', text(p.category)),
      ...custom(4, 'recordId', record.id),
      ...custom(5, 'loggedByService', text(p.loggedByService)),
      ...custom(6, 'tenantId', record.tenantId),
    ],
  };
}

/** The one-sentence explanation a Vigil detection writes into `additionalInfo` (its `reason` entry). */
function explanationOf(additionalInfo: unknown): string | undefined {
  let entries: unknown = additionalInfo;
  if (typeof additionalInfo === 'string') {
    try {
      entries = JSON.parse(additionalInfo);
    } catch {
      // Graph types additionalInfo as free text: one that is not Vigil's JSON has no reason to pick.
      return undefined;
    }
  }
  if (!Array.isArray(entries)) return undefined;
  const reason = entries.map(object).find((e) => e.Key === 'reason');
  return reason === undefined ? undefined : text(reason.Value);
}

function signInSucceeded(p: Properties): boolean {
  const code = object(p.status).errorCode;
  return code === 0 || code === '0' || code === undefined || code === null;
}

/**
 * The key ids an audit event added or changed: Entra lists an object's credentials in the
 * `KeyDescription` modified property as `[KeyIdentifier=<guid>,KeyType=…]` strings.
 */
function keyIdsOf(targets: readonly Properties[]): string | undefined {
  const ids = new Set<string>();
  for (const t of targets) {
    if (!Array.isArray(t.modifiedProperties)) continue;
    for (const m of t.modifiedProperties.map(object)) {
      if (text(m.displayName) !== 'KeyDescription') continue;
      for (const match of (text(m.newValue) ?? '').matchAll(/KeyIdentifier=([0-9a-fA-F-]{36})/g)) {
        ids.add(match[1]!.toLowerCase());
      }
    }
  }
  return ids.size === 0 ? undefined : [...ids].join(',');
}

function custom(slot: number, label: string, value: string | undefined): Extension[] {
  return value === undefined || value === ''
    ? []
    : [
        [`cs${slot}Label`, label],
        [`cs${slot}`, value],
      ];
}

function customNumber(slot: number, label: string, value: unknown): Extension[] {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n)
    ? [
        [`cn${slot}Label`, label],
        [`cn${slot}`, String(n)],
      ]
    : [];
}

function addressOf(value: unknown): Extension[] {
  const ip = text(value);
  if (ip !== undefined && isIPv4(ip)) return [['src', ip]];
  if (ip !== undefined && isIPv6(ip))
    return [
      ['c6a2Label', 'Source IPv6 Address'],
      ['c6a2', ip],
    ];
  return [];
}

function epochMs(...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    const ms = typeof c === 'string' ? Date.parse(c) : Number.NaN;
    if (Number.isFinite(ms)) return String(ms);
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function list(value: unknown): string | undefined {
  if (!Array.isArray(value)) return text(value);
  const items = value.map(text).filter((v): v is string => v !== undefined);
  return items.length === 0 ? undefined : items.join(',');
}

function object(value: unknown): Properties {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Properties) : {};
}
