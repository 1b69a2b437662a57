import type { ParseOutcome } from '../../domain/index.ts';
import { describeValue } from '../normalise/field-reason.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { parseEntraDiagnosticRecord } from './entra-diagnostic.ts';
import { parseGraphDirectoryAudit } from './graph-directory-audit.ts';
import { parseGraphApplication, parseGraphServicePrincipal } from './graph-inventory.ts';
import { parseGraphSignIn } from './graph-sign-in.ts';
import { parseLogAnalyticsRow } from './log-analytics.ts';

/** What a parse needs besides the record. */
export interface ParseContext {
  /** Tenant for records that carry none (Graph responses, Log Analytics rows without `AADTenantId`). */
  tenantId: string;
}

/** Prefix of Graph's `@odata.type` values. */
const GRAPH_TYPE_PREFIX = '#microsoft.graph.';
/** How many keys an "unrecognised shape" reason lists, and how much of each. */
const SHAPE_KEYS_LISTED = 6;
const SHAPE_KEY_LENGTH = 40;

/** Names the first few keys of an object nobody recognises, so the user can see what it was. */
function shapeOf(o: JsonObject): string {
  const keys = Object.keys(o);
  if (keys.length === 0) return 'empty object';
  const listed = keys
    .slice(0, SHAPE_KEYS_LISTED)
    .map((k) => (k.length > SHAPE_KEY_LENGTH ? `${k.slice(0, SHAPE_KEY_LENGTH)}…` : k));
  return `keys ${listed.join(', ')}${keys.length > SHAPE_KEYS_LISTED ? ', …' : ''}`;
}

/** Dispatches on an explicit `@odata.type`; other Graph types are out of scope and skipped by type name. */
function parseByGraphType(o: JsonObject, type: string, tenantId: string): ParseOutcome {
  switch (type) {
    case '#microsoft.graph.signIn':
      return parseGraphSignIn(o, tenantId);
    case '#microsoft.graph.directoryAudit':
      return parseGraphDirectoryAudit(o, tenantId);
    case '#microsoft.graph.servicePrincipal':
      return parseGraphServicePrincipal(o, tenantId);
    case '#microsoft.graph.application':
      return parseGraphApplication(o, tenantId);
    default:
      return {
        kind: 'skipped',
        format: null,
        category: type.startsWith(GRAPH_TYPE_PREFIX) ? type.slice(GRAPH_TYPE_PREFIX.length) : type,
      };
  }
}

/**
 * Recognises a record by the fields only its format has, cheapest and most common first. Formats
 * are told apart by case (`category`/`properties` vs PascalCase `Type`/`TimeGenerated`) and by
 * which Graph object's distinctive fields are present.
 */
function dispatch(o: JsonObject, tenantId: string): ParseOutcome {
  if (typeof o.category === 'string' && (o.properties !== undefined || o.time !== undefined)) {
    return parseEntraDiagnosticRecord(o, tenantId);
  }
  if (o.Type !== undefined || o.TimeGenerated !== undefined) return parseLogAnalyticsRow(o, tenantId);
  const odataType = o['@odata.type'];
  if (typeof odataType === 'string') return parseByGraphType(o, odataType, tenantId);
  if (
    o.createdDateTime !== undefined &&
    (o.signInEventTypes !== undefined ||
      o.servicePrincipalId !== undefined ||
      o.status !== undefined ||
      o.ipAddress !== undefined)
  ) {
    return parseGraphSignIn(o, tenantId);
  }
  if (o.activityDisplayName !== undefined || o.activityDateTime !== undefined) {
    return parseGraphDirectoryAudit(o, tenantId);
  }
  if (
    o.servicePrincipalType !== undefined ||
    o.appOwnerOrganizationId !== undefined ||
    o.servicePrincipalNames !== undefined
  ) {
    return parseGraphServicePrincipal(o, tenantId);
  }
  if (
    o.appId !== undefined &&
    (o.signInAudience !== undefined || o.api !== undefined || o.web !== undefined)
  ) {
    return parseGraphApplication(o, tenantId);
  }
  if (Array.isArray(o.records) || Array.isArray(o.value)) {
    return {
      kind: 'quarantined',
      format: null,
      reason: 'unrecognised record shape: an envelope nested inside a record',
    };
  }
  return { kind: 'quarantined', format: null, reason: `unrecognised record shape: ${shapeOf(o)}` };
}

/** Classifies one already-JSON-parsed record object by shape and normalises it. Never throws. */
export function parseRecord(value: unknown, ctx: ParseContext): ParseOutcome {
  if (!isJsonObject(value)) {
    return { kind: 'quarantined', format: null, reason: `not an object: got ${describeValue(value)}` };
  }
  // The parsers validate every field they read and should not throw; this is the backstop that
  // keeps one pathological record from failing a whole batch.
  try {
    return dispatch(value, ctx.tenantId);
  } catch (error) {
    return {
      kind: 'quarantined',
      format: null,
      reason: `parser error: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Whether an envelope key is OData control information (`@odata.nextLink`, `@odata.context`, `@microsoft.graph.tips`, …). */
function isControlKey(key: string): boolean {
  return key.charCodeAt(0) === 64 || key.startsWith('odata.');
}

/**
 * If `value` is an envelope ({"records":[…]} Event Hub / storage, or a Graph page {"value":[…],
 * "@odata.nextLink"…}) returns its items and the key ('records' | 'value'), else null. Plain arrays
 * are handled by the caller. A `value` array counts as a page only when every other key is OData
 * control information, so a record that happens to have a `value` field is not taken for a page.
 */
export function envelopeItems(value: unknown): { key: 'records' | 'value'; items: unknown[] } | null {
  if (!isJsonObject(value)) return null;
  const records = value.records;
  if (Array.isArray(records)) return { key: 'records', items: records };
  const items = value.value;
  if (!Array.isArray(items)) return null;
  for (const key of Object.keys(value)) {
    if (key !== 'value' && !isControlKey(key)) return null;
  }
  return { key: 'value', items };
}
