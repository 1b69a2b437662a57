import type { LeakParseResult } from './leak.ts';
import { parseGenericLeak } from './parse-generic-leak.ts';
import { parseGithubSecretAlert } from './parse-github-secret-alert.ts';
import { parseGitleaksReport } from './parse-gitleaks-report.ts';
import { parseTrufflehogReport } from './parse-trufflehog-report.ts';
import { readJsonRecords } from './read-json-records.ts';
import { asObject } from './read-json-value.ts';

/** The report formats Vigil reads leaks from. */
export type LeakReportFormat = 'gitleaks' | 'trufflehog' | 'githubSecretScanning' | 'generic';

/** A parsed report and the format it was read as (null for an empty or unrecognised text). */
export interface LeakReport extends LeakParseResult {
  format: LeakReportFormat | null;
}

const PARSERS: Record<LeakReportFormat, (text: string) => LeakParseResult> = {
  gitleaks: parseGitleaksReport,
  trufflehog: parseTrufflehogReport,
  githubSecretScanning: parseGithubSecretAlert,
  generic: parseGenericLeak,
};

/**
 * Which format a report is, by the shape of its first object record: `RuleID` (gitleaks),
 * `DetectorName` or `SourceMetadata` (trufflehog), `secret_type` (GitHub), `secret`, `certificate`
 * or `privateKey` (generic). GitHub alerts carry a `secret` too, so `secret_type` is tested first.
 */
export function detectLeakReportFormat(text: string): LeakReportFormat | null {
  for (const { value } of readJsonRecords(text).records) {
    const record = asObject(value);
    if (record === null) continue;
    if ('RuleID' in record) return 'gitleaks';
    if ('DetectorName' in record || 'SourceMetadata' in record) return 'trufflehog';
    if ('secret_type' in record) return 'githubSecretScanning';
    if ('secret' in record || 'certificate' in record || 'privateKey' in record) return 'generic';
    return null;
  }
  return null;
}

/** Reads any supported leak report: detects its format, then parses it. Never throws. */
export function parseLeakReport(text: string): LeakReport {
  const format = detectLeakReportFormat(text);
  if (format !== null) return { format, ...PARSERS[format](text) };
  const empty = readJsonRecords(text);
  if (empty.records.length === 0 && empty.broken.length === 0)
    return { format: null, leaks: [], rejected: [] };
  return {
    format: null,
    leaks: [],
    rejected: [
      {
        index: 0,
        reason:
          'not a leak report Vigil reads (gitleaks JSON, trufflehog JSON lines, GitHub secret scanning alerts, or the generic form)',
        skipped: false,
      },
    ],
  };
}
