// A gitleaks JSON report (`gitleaks git --report-format json`) of the secrets the simulation leaks.
// Each finding's line keeps the app and tenant ids beside the secret, the way configuration leaks
// (an `ENV` line, an `AzureAd` settings block) show them, so a reader can tie it to its application.
import type { LeakedSecret } from './attack-kit.ts';
import type { Random } from './random.ts';
import type { TenantModel } from './tenant-model.ts';

const DEVELOPERS: readonly (readonly [string, string])[] = [
  ['Alex', 'Morgan'],
  ['Jordan', 'Blake'],
  ['Riley', 'Chen'],
  ['Noor', 'Haddad'],
];

/** Shannon entropy of a text in bits per character, as gitleaks reports it. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return Math.round(bits * 1e6) / 1e6;
}

/** A report date as gitleaks writes it: the commit's author date, seconds precision, UTC. */
function commitDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The report text: one finding per leak, then one unrelated non-Azure finding as scanners also report. */
export function gitleaksReport(rnd: Random, model: TenantModel, leaks: readonly LeakedSecret[]): string {
  const findings = leaks.map((leak, i) => {
    const p = leak.principal;
    const repository = p.displayName.startsWith(`${model.organization}-`)
      ? p.displayName.slice(model.organization.length + 1)
      : p.displayName;
    const commit = rnd.hex(40);
    const [first, last] = rnd.pick(DEVELOPERS);
    const docker = i % 2 === 0;
    const file = docker ? 'Dockerfile' : 'src/appsettings.Development.json';
    const line = docker ? rnd.int(8, 30) : rnd.int(3, 12);
    const match = docker
      ? `AZURE_TENANT_ID=${model.tenantId} AZURE_CLIENT_ID=${p.appId} AZURE_CLIENT_SECRET=${leak.secret}`
      : `"AzureAd": { "TenantId": "${model.tenantId}", "ClientId": "${p.appId}", "ClientSecret": "${leak.secret}" }`;
    const column = docker ? 5 : 3;
    return {
      RuleID: 'azure-ad-client-secret',
      Description: 'Azure AD Client Secret',
      StartLine: line,
      EndLine: line,
      StartColumn: column,
      EndColumn: column + match.length - 1,
      Match: match,
      Secret: leak.secret,
      File: file,
      SymlinkFile: '',
      Commit: commit,
      Link: `https://github.com/${model.organization}/${repository}/blob/${commit}/${file}#L${line}`,
      Entropy: entropy(leak.secret),
      Author: `${first} ${last}`,
      Email: `${first.toLowerCase()}.${last.toLowerCase()}@${model.organization}.com`,
      Date: commitDate(leak.foundAt),
      Message: docker ? 'Build image with service settings' : 'Local development settings',
      Tags: [],
      Fingerprint: `${commit}:${file}:azure-ad-client-secret:${line}`,
    };
  });
  const unrelated = leaks[0];
  if (unrelated) {
    const commit = rnd.hex(40);
    const token = `sim-${rnd.hex(32)}`;
    const match = `api_key = "${token}"`;
    findings.push({
      RuleID: 'generic-api-key',
      Description:
        'Detected a Generic API Key, potentially exposing access to various services and sensitive operations.',
      StartLine: 14,
      EndLine: 14,
      StartColumn: 5,
      EndColumn: 4 + match.length,
      Match: match,
      Secret: token,
      File: 'scripts/report.py',
      SymlinkFile: '',
      Commit: commit,
      Link: `https://github.com/${model.organization}/reporting-scripts/blob/${commit}/scripts/report.py#L14`,
      Entropy: entropy(token),
      Author: 'Riley Chen',
      Email: `riley.chen@${model.organization}.com`,
      Date: commitDate(unrelated.foundAt - 3 * 86_400_000),
      Message: 'Weekly report script',
      Tags: [],
      Fingerprint: `${commit}:scripts/report.py:generic-api-key:14`,
    });
  }
  // gitleaks indents its JSON report with one space.
  return `${JSON.stringify(findings, null, 1)}\n`;
}
