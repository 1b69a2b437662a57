import type { LineLocator } from './line-locator.ts';
import { lowerCaseGuid } from './lower-case-guid.ts';

/** A GUID written as the value of a key that names it an app (client) id or a tenant id. */
export interface LabelledId {
  kind: 'appId' | 'tenantId';
  value: string;
  line: number;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// `KEY=guid`, `KEY: guid`, `"Key": "guid"`, `Key = 'guid'`, `key => "guid"`, `<Key>guid`, `--flag guid`.
// Keys start only at a token boundary, so a long run of letters (minified code, a hex blob) is not
// re-tried from each of its characters.
const KEY_VALUE = new RegExp(
  `(?<![A-Za-z0-9_.-])(--[A-Za-z][A-Za-z-]*\\s+|[A-Za-z_][A-Za-z0-9_.-]*["']?\\s*(?:=>|[:=>])\\s*)["']?\\{?(${GUID})(?![0-9A-Za-z-])`,
  'g',
);
// The authority URL names the tenant outright.
const AUTHORITY = new RegExp(
  `(?:login\\.microsoftonline\\.(?:com|us)|login\\.partner\\.microsoftonline\\.cn|login\\.windows\\.net|sts\\.windows\\.net)/(${GUID})`,
  'g',
);
// Key names compared lower-case without punctuation: AZURE_CLIENT_ID, ARM_CLIENT_ID, ClientId,
// client-id, appId, ApplicationId; AZURE_TENANT_ID, TenantId, tenant, DirectoryId. Object, principal
// and subscription ids are GUIDs too but say nothing about which credential leaked.
const APP_KEY = /(?:clientid|appid|applicationid)$/;
const TENANT_KEY = /(?:tenantid|tenant|directoryid)$/;

/** The app and tenant ids a text labels clearly, each with its line. */
export function findLabelledIds(text: string, locate: LineLocator): LabelledId[] {
  const found: LabelledId[] = [];
  for (const match of text.matchAll(KEY_VALUE)) {
    const key = match[1]!.toLowerCase().replace(/[^a-z0-9]/g, '');
    const kind = APP_KEY.test(key) ? 'appId' : TENANT_KEY.test(key) ? 'tenantId' : null;
    const value = lowerCaseGuid(match[2]);
    if (kind !== null && value !== null) found.push({ kind, value, line: locate(match.index) });
  }
  for (const match of text.matchAll(AUTHORITY)) {
    const value = lowerCaseGuid(match[1]);
    if (value !== null) found.push({ kind: 'tenantId', value, line: locate(match.index) });
  }
  return found;
}

// Configuration sections keep the id, tenant and secret within a few lines of each other
// (an appsettings.json `AzureAd` block, a run of .env lines); farther away is another section.
const NEAR_LINES = 4;

/**
 * The id of a kind labelled nearest to a line, within a few lines. Null when none is near, or when
 * two different ids are equally near (two configurations side by side): a wrong app id is worse than none.
 */
export function nearestLabelledId(
  ids: readonly LabelledId[],
  kind: LabelledId['kind'],
  line: number,
): string | null {
  let best: string | null = null;
  let bestDistance = NEAR_LINES + 1;
  let tied = false;
  for (const id of ids) {
    if (id.kind !== kind) continue;
    const distance = Math.abs(id.line - line);
    if (distance < bestDistance) {
      best = id.value;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance && id.value !== best) {
      tied = true;
    }
  }
  return tied ? null : best;
}
