import { isPlausibleClientSecret } from './client-secret-shape.ts';
import { createLeak, type LeakFields, type LeakParseResult } from './leak.ts';
import { readPemFinding } from './leaks-from-pem.ts';
import { lowerCaseGuid } from './lower-case-guid.ts';
import { parseReportTime } from './parse-report-time.ts';
import { readCertificate } from './read-certificate.ts';
import { readJsonRecords } from './read-json-records.ts';
import { asLine, asObject, asText } from './read-json-value.ts';

/**
 * Reads Vigil's generic leak form, for sources without a format of their own (a pastebin find, a
 * vendor notice): `{ appId?, tenantId?, secret | certificate | privateKey, url, foundAt, file?, line? }`,
 * one object, an array, or one object per line. `clientId` is read as `appId`. `certificate` is PEM or
 * base64 DER (as Graph's `keyCredential.key`); `privateKey` is PEM. A certificate and its private key
 * given together become one leak. A record whose ids or time cannot be read is rejected rather than
 * matched against the wrong app.
 */
export function parseGenericLeak(text: string): LeakParseResult {
  const { records, broken } = readJsonRecords(text);
  const result: LeakParseResult = { leaks: [], rejected: [...broken] };
  for (const { value, at } of records) {
    const record = asObject(value);
    const secret = asText(record?.secret);
    const certificate = asText(record?.certificate);
    const privateKey = asText(record?.privateKey);
    if (record === null || (secret === null && certificate === null && privateKey === null)) {
      result.rejected.push({
        ...at,
        reason: 'needs one of secret, certificate or privateKey',
        skipped: false,
      });
      continue;
    }
    const problems: string[] = [];
    const appText = asText(record.appId) ?? asText(record.clientId);
    const appId = lowerCaseGuid(appText);
    if (appText !== null && appId === null) problems.push('appId is not a GUID');
    const tenantText = asText(record.tenantId);
    const tenantId = lowerCaseGuid(tenantText);
    if (tenantText !== null && tenantId === null) problems.push('tenantId is not a GUID');
    const foundAtText = asText(record.foundAt);
    const foundAt = parseReportTime(foundAtText);
    if (foundAtText !== null && foundAt === null) problems.push('foundAt is not a timestamp');
    if (secret !== null && !isPlausibleClientSecret(secret)) {
      problems.push('secret is not 16 to 64 characters without spaces, as Entra client secrets are');
    }
    // Base64 DER becomes PEM so that a private key given beside it pairs with it.
    const certificatePem =
      certificate === null || certificate.includes('-----BEGIN ')
        ? certificate
        : readCertificate(certificate)?.pem;
    if (certificatePem === undefined) problems.push('certificate is neither PEM nor base64 DER');
    if (problems.length > 0) {
      result.rejected.push({ ...at, reason: problems.join('; '), skipped: false });
      continue;
    }
    const base: Omit<LeakFields, 'kind'> = {
      source: 'generic',
      appId,
      tenantId,
      url: asText(record.url),
      foundAt,
      file: asText(record.file),
      line: asLine(record.line),
    };
    if (secret !== null) result.leaks.push(createLeak({ ...base, kind: 'clientSecret', secret }));
    if (certificatePem !== null || privateKey !== null) {
      const pem = readPemFinding(
        [certificatePem, privateKey].filter((s) => s !== null).join('\n'),
        base,
        at,
        'generic',
      );
      result.leaks.push(...pem.leaks);
      result.rejected.push(...pem.rejected);
    }
  }
  return result;
}
