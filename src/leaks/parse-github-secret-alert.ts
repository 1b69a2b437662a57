import { isClientSecretShape, isPlausibleClientSecret } from './client-secret-shape.ts';
import { createLeak, type LeakFields, type LeakParseResult } from './leak.ts';
import { readPemFinding } from './leaks-from-pem.ts';
import { parseReportTime } from './parse-report-time.ts';
import { readJsonRecords } from './read-json-records.ts';
import { asLine, asObject, asText } from './read-json-value.ts';

// GitHub's type for Entra client secrets; a `_v2`-style successor would still start like this.
const CLIENT_SECRET_TYPE = /^azure_active_directory_application_secret/;
// `rsa_private_key`, `ec_private_key`, `openssh_private_key`, `pgp_private_key`: the PEM reader keeps
// what Entra can use (RSA and EC keys) and the rest is skipped.
const PRIVATE_KEY_TYPE = /private_key$/;

/**
 * Reads GitHub secret scanning alerts as the REST API returns them (`GET …/secret-scanning/alerts`, an
 * array, or one alert): `number`, `secret_type`, `secret`, `html_url`, `created_at`, `state`,
 * `resolution`, `validity`, and `first_location_detected` (`path`, `start_line`, `commit_sha`) when
 * present. Keeps `azure_active_directory_application_secret` alerts, private key alerts, and custom
 * pattern alerts whose secret has the client secret shape. A resolved alert is still a leak (revoking
 * the secret on GitHub's word is not rotating it in Entra), flagged `resolved` with its resolution.
 */
export function parseGithubSecretAlert(text: string): LeakParseResult {
  const { records, broken } = readJsonRecords(text);
  const result: LeakParseResult = { leaks: [], rejected: [...broken] };
  for (const { value, at } of records) {
    const alert = asObject(value);
    const type = asText(alert?.secret_type);
    if (alert === null || type === null) {
      result.rejected.push({
        ...at,
        reason: 'not a GitHub secret scanning alert (no secret_type)',
        skipped: false,
      });
      continue;
    }
    const label = typeof alert.number === 'number' ? `alert ${alert.number} (${type})` : type;
    const relevant = CLIENT_SECRET_TYPE.test(type) || PRIVATE_KEY_TYPE.test(type);
    const secret = asText(alert.secret);
    if (secret === null) {
      result.rejected.push({
        ...at,
        reason: relevant
          ? `${label}: the alert carries no secret (listed with hide_secret?)`
          : `${label}: not an Azure credential`,
        skipped: !relevant,
      });
      continue;
    }
    const location = asObject(alert.first_location_detected);
    const resolved = asText(alert.state) === 'resolved';
    const validity = asText(alert.validity);
    const base: Omit<LeakFields, 'kind'> = {
      source: 'githubSecretScanning',
      detector: type,
      url: asText(alert.html_url),
      foundAt: parseReportTime(alert.created_at),
      file: asText(location?.path),
      line: asLine(location?.start_line),
      commit: asText(location?.commit_sha),
      verified: validity === 'active' ? true : validity === 'inactive' ? false : null,
      resolved,
      resolution: resolved ? asText(alert.resolution) : null,
    };
    if (PRIVATE_KEY_TYPE.test(type) || secret.includes('-----BEGIN ')) {
      const pem = readPemFinding(secret, base, at, label);
      result.leaks.push(...pem.leaks);
      result.rejected.push(...pem.rejected);
    } else if (
      isClientSecretShape(secret) ||
      (CLIENT_SECRET_TYPE.test(type) && isPlausibleClientSecret(secret))
    ) {
      result.leaks.push(createLeak({ ...base, kind: 'clientSecret', secret }));
    } else {
      result.rejected.push({ ...at, reason: `${label}: not an Azure credential`, skipped: true });
    }
  }
  return result;
}
