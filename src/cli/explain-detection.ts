/** Renders a Graph servicePrincipalRiskDetection for a person: what, who, when, why, and the evidence. */
export function explainDetection(d: Record<string, unknown>): string {
  const lines: string[] = [];
  const loc = d.location as { city?: string | null; countryOrRegion?: string | null } | null;
  lines.push(`${d.riskEventType} — ${d.riskLevel} risk, ${d.riskState}`);
  lines.push(
    `  principal   ${d.servicePrincipalDisplayName ?? ''} (${d.servicePrincipalId}), app ${d.appId ?? '–'}`,
  );
  lines.push(
    `  activity    ${d.activityDateTime}, detected ${d.detectedDateTime}, updated ${d.lastUpdatedDateTime}`,
  );
  if (d.ipAddress) {
    const where = [loc?.city, loc?.countryOrRegion].filter(Boolean).join(', ');
    lines.push(`  from        ${d.ipAddress}${where ? ` (${where})` : ''}`);
  }
  const keyIds = d.keyIds as string[];
  if (keyIds.length > 0) lines.push(`  credentials ${keyIds.join(', ')}`);
  let info: { Key: string; Value: unknown }[] = [];
  try {
    info = JSON.parse(String(d.additionalInfo));
  } catch {
    // An explanation Vigil did not write; shown raw below.
  }
  for (const { Key, Value } of info) {
    if (Value === null || Value === undefined) continue;
    if (Key === 'reason') {
      lines.push('', `  ${Value}`);
    } else if (Key === 'unusual' && Array.isArray(Value)) {
      lines.push('', '  What was new, against the baseline:');
      for (const u of Value as {
        property: string;
        value: string;
        weight: string;
        familiarOwner: string | null;
        baseline: { value: string; count: number }[];
        valuesInBaseline: number;
      }[]) {
        const seen = u.baseline.map((b) => `${b.value} ×${b.count}`).join(', ');
        lines.push(
          `    ${u.property} ${u.value} (${u.weight})${u.familiarOwner ? ` — same owner as ${u.familiarOwner}` : ''}`,
          `      baseline: ${seen || 'nothing yet'}${u.valuesInBaseline > u.baseline.length ? ` … ${u.valuesInBaseline} values in all` : ''}`,
        );
      }
    } else if (Key === 'relatedChanges' && Array.isArray(Value)) {
      lines.push('', '  Changes shortly before:');
      for (const c of Value as {
        at: string;
        kind: string;
        keyId: string | null;
        actor: string | null;
        activity: string;
        auditId: string;
        authorised: boolean;
      }[]) {
        lines.push(
          `    ${c.at}  ${c.kind}${c.keyId ? ` ${c.keyId}` : ''} by ${c.actor ?? 'unknown'} — ${c.authorised ? 'routine' : 'NOT routine'}`,
          `      ${c.activity.trim()} (audit ${c.auditId})`,
        );
      }
    } else if (/Ids$/.test(Key) && Array.isArray(Value)) {
      const label = Key === 'contributingSignInIds' ? 'Contributing sign-ins' : Key;
      lines.push('', `  ${label} (${Value.length}):`, ...Value.map((id) => `    ${id}`));
    } else if (typeof Value === 'object' && !Array.isArray(Value)) {
      const fields = Object.entries(Value as Record<string, unknown>)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      lines.push(`  ${Key}: ${fields.join(', ')}`);
    } else {
      lines.push(`  ${Key}: ${typeof Value === 'string' ? Value : JSON.stringify(Value)}`);
    }
  }
  if (info.length === 0) lines.push(`  ${d.additionalInfo}`);
  return `${lines.join('\n')}\n`;
}
