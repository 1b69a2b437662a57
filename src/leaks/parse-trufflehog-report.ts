import { isClientSecretShape, isPlausibleClientSecret } from './client-secret-shape.ts';
import { createLeak, type LeakFields, type LeakParseResult } from './leak.ts';
import { readPemFinding } from './leaks-from-pem.ts';
import { lowerCaseGuid } from './lower-case-guid.ts';
import { parseReportTime } from './parse-report-time.ts';
import { readJsonRecords } from './read-json-records.ts';
import { asLine, asObject, asText, type JsonObject, pickText, pickValue } from './read-json-value.ts';

// trufflehog's Entra service principal detectors (v1 and v2) report as `Azure`; other builds and
// wrappers have used `AzureEntraIDClientSecret`, `AzureEntraServicePrincipal`, `AzureADClientSecret`.
// `AzureStorage`, `AzureSAS`, `AzureRefreshToken`, `AzureDevopsPersonalAccessToken` and the other
// Azure service detectors are not Entra workload credentials and do not match this.
const ENTRA_SECRET_DETECTOR =
  /^azure(?:entra(?:id)?|ad|activedirectory)?(?:serviceprincipal|clientsecret|appsecret|applicationsecret)?(?:v\d+)?$/;

/**
 * Reads trufflehog v3 output (`--json`): one finding per line (a JSON array of findings is read too).
 * Accepted detectors, by name compared without case or punctuation: `Azure` and its variants
 * (`AzureEntraIDClientSecret`, `AzureEntraServicePrincipal`, `AzureADClientSecret`, …) for client
 * secrets, `PrivateKey` for PEM keys; a finding of any other detector whose `Raw` has the Entra
 * client secret shape is kept too. The secret comes from `RawV2` (`{"clientSecret","clientId",
 * "tenantId"}`) or `Raw`; app and tenant ids from `RawV2` or `ExtraData` (`client`, `tenant`,
 * `application` when a GUID). The location comes from whichever source metadata the finding carries
 * (`Git`, `Github`, `Gitlab`, `Filesystem`, …): `file`, `line`, `commit`, `link` or `repository`,
 * `timestamp`.
 */
export function parseTrufflehogReport(text: string): LeakParseResult {
  const { records, broken } = readJsonRecords(text);
  const result: LeakParseResult = { leaks: [], rejected: [...broken] };
  for (const { value, at } of records) {
    const finding = asObject(value);
    const detector = asText(finding?.DetectorName);
    if (finding === null || detector === null) {
      result.rejected.push({ ...at, reason: 'not a trufflehog finding (no DetectorName)', skipped: false });
      continue;
    }
    const name = detector.toLowerCase().replace(/[^a-z0-9]/g, '');
    const raw = asText(finding.Raw);
    const rawV2 = parseRawV2(asText(finding.RawV2));
    const extra = asObject(finding.ExtraData);
    const where = sourceLocation(finding);
    const base: Omit<LeakFields, 'kind'> = {
      source: 'trufflehog',
      detector,
      file: pickText(where, ['file', 'path']),
      line: asLine(pickValue(where, ['line'])),
      commit: pickText(where, ['commit']),
      url: pickText(where, ['link', 'repository']),
      foundAt: parseReportTime(pickValue(where, ['timestamp'])),
      verified: typeof finding.Verified === 'boolean' ? finding.Verified : null,
    };
    if (name === 'privatekey') {
      const pem = readPemFinding(raw ?? '', base, at, detector);
      result.leaks.push(...pem.leaks);
      result.rejected.push(...pem.rejected);
      continue;
    }
    const secret = pickText(rawV2, ['clientsecret']) ?? raw;
    const entraDetector = ENTRA_SECRET_DETECTOR.test(name);
    if (
      secret === null ||
      !(isClientSecretShape(secret) || (entraDetector && isPlausibleClientSecret(secret)))
    ) {
      result.rejected.push({
        ...at,
        reason: entraDetector
          ? `${detector}: no usable client secret in Raw`
          : `${detector}: not an Azure credential`,
        skipped: !entraDetector,
      });
      continue;
    }
    const application = pickText(extra, ['application']);
    result.leaks.push(
      createLeak({
        ...base,
        kind: 'clientSecret',
        secret,
        appId:
          lowerCaseGuid(pickText(rawV2, ['clientid'])) ??
          lowerCaseGuid(pickText(extra, ['client', 'client_id', 'clientid', 'application_id'])) ??
          // `application` is the app's display name in current detectors, its id in some older ones.
          lowerCaseGuid(application),
        tenantId:
          lowerCaseGuid(pickText(rawV2, ['tenantid'])) ??
          lowerCaseGuid(pickText(extra, ['tenant', 'tenant_id', 'tenantid'])),
      }),
    );
  }
  return result;
}

/** `RawV2` as the JSON object the Entra detector writes, or null (other detectors write plain text). */
function parseRawV2(text: string | null): JsonObject | null {
  if (text === null || !text.startsWith('{')) return null;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The one source's metadata under `SourceMetadata.Data` (`Git`, `Filesystem`, …), whatever its name. */
function sourceLocation(finding: JsonObject): JsonObject | null {
  const data = asObject(asObject(finding.SourceMetadata)?.Data);
  if (data === null) return null;
  for (const value of Object.values(data)) {
    const location = asObject(value);
    if (location !== null) return location;
  }
  return null;
}
