import { findClientSecrets, isClientSecretShape, isPlausibleClientSecret } from './client-secret-shape.ts';
import { findLabelledIds, nearestLabelledId } from './find-labelled-ids.ts';
import { createLeak, type LeakFields, type LeakParseResult } from './leak.ts';
import { readPemFinding } from './leaks-from-pem.ts';
import { parseReportTime } from './parse-report-time.ts';
import { readJsonRecords } from './read-json-records.ts';
import { asLine, asObject, asText } from './read-json-value.ts';

// gitleaks' own rule is `azure-ad-client-secret`; custom configurations name theirs alike.
const AZURE_SECRET_RULE = /azure|entra|aad/i;
const SECRET_RULE = /secret|password|credential/i;
// `--redact` writes REDACTED; `--redact=N` keeps a prefix and ends with `...`.
const REDACTED = /REDACTED|\.\.\.$/;

/**
 * Reads a gitleaks JSON report (`gitleaks git|dir --report-format json`): an array of findings with
 * `RuleID`, `Secret`, `Match`, `Line`, `File`, `StartLine`, `Commit`, `Date`, `Link`. Keeps what can be an
 * Entra credential: any finding whose secret has the client secret shape (so `generic-api-key`
 * findings count too), secrets of Azure-named secret rules, and PEM certificates and private keys
 * (`private-key`). Other findings are rejected as skipped; redacted ones as unusable.
 */
export function parseGitleaksReport(text: string): LeakParseResult {
  const { records, broken } = readJsonRecords(text);
  const result: LeakParseResult = { leaks: [], rejected: [...broken] };
  for (const { value, at } of records) {
    const finding = asObject(value);
    const rule = asText(finding?.RuleID);
    if (finding === null || rule === null) {
      result.rejected.push({ ...at, reason: 'not a gitleaks finding (no RuleID)', skipped: false });
      continue;
    }
    const secret = asText(finding.Secret) ?? secretInMatch(asText(finding.Match));
    const azureSecretRule = AZURE_SECRET_RULE.test(rule) && SECRET_RULE.test(rule);
    // The matched text and, in recent gitleaks versions, the whole line may name the app and tenant
    // (`AZURE_CLIENT_ID=…` beside the secret): a secret is then matched among that app's credentials.
    const context = [asText(finding.Line), asText(finding.Match)].filter((t) => t !== null).join('\n');
    const ids = context === '' ? [] : findLabelledIds(context, () => 1);
    const base: Omit<LeakFields, 'kind'> = {
      source: 'gitleaks',
      appId: nearestLabelledId(ids, 'appId', 1),
      tenantId: nearestLabelledId(ids, 'tenantId', 1),
      detector: rule,
      file: asText(finding.File),
      line: asLine(finding.StartLine),
      commit: asText(finding.Commit),
      url: asText(finding.Link),
      foundAt: parseReportTime(finding.Date),
    };
    if (secret === null || REDACTED.test(secret)) {
      const relevant = azureSecretRule || rule === 'private-key';
      result.rejected.push({
        ...at,
        reason: relevant
          ? `${rule}: secret redacted in the report (run gitleaks without --redact so it can be matched)`
          : `${rule}: not an Azure credential`,
        skipped: !relevant,
      });
      continue;
    }
    if (secret.includes('-----BEGIN ')) {
      const pem = readPemFinding(secret, base, at, rule);
      result.leaks.push(...pem.leaks);
      result.rejected.push(...pem.rejected);
    } else if (isClientSecretShape(secret) || (azureSecretRule && isPlausibleClientSecret(secret))) {
      result.leaks.push(createLeak({ ...base, kind: 'clientSecret', secret }));
    } else {
      result.rejected.push({ ...at, reason: `${rule}: not an Azure credential`, skipped: true });
    }
  }
  return result;
}

/** What to use when a finding has no `Secret` (older reports): a PEM or a lone client secret in `Match`. */
function secretInMatch(match: string | null): string | null {
  if (match === null || match.includes('-----BEGIN ')) return match;
  const secrets = findClientSecrets(match);
  return secrets.length === 1 ? secrets[0]!.secret : null;
}
