import type { ComponentChildren } from 'preact';
import { formatTime, plural, sentence, words } from '../format.ts';

/** One `{Key, Value}` entry of a detection's `additionalInfo`. */
export interface InfoEntry {
  Key: string;
  Value: unknown;
}

/** The entries of a detection's `additionalInfo` (a JSON string on the wire); empty when it is not Vigil's. */
export function infoEntries(additionalInfo: string): InfoEntry[] {
  try {
    const parsed: unknown = JSON.parse(additionalInfo);
    return Array.isArray(parsed) ? (parsed as InfoEntry[]).filter((e) => e && typeof e.Key === 'string') : [];
  } catch {
    return [];
  }
}

const PROPERTY_WORDS: Record<string, string> = {
  asn: 'network (ASN)',
  country: 'country',
  ipPrefix: 'IP prefix',
  ipAddress: 'IP address',
  userAgentProduct: 'client software',
  userAgent: 'user agent',
  resource: 'target resource',
  credentialType: 'credential type',
  hosting: 'hosting network',
};

interface Unusual {
  property: string;
  value: string;
  weight?: string;
  familiarOwner?: string | null;
  baseline?: { value: string; count: number; lastSeen?: string }[];
  valuesInBaseline?: number;
}

interface Network {
  ipAddress?: string | null;
  asn?: number | null;
  asOrg?: string | null;
  country?: string | null;
  hosting?: boolean | null;
  provider?: string | null;
}

interface RelatedChange {
  at: string;
  kind: string;
  keyId?: string | null;
  actor?: string | null;
  activity: string;
  authorised?: boolean;
}

function networkSentence(n: Network): string {
  const parts: string[] = [];
  if (n.ipAddress) parts.push(`from ${n.ipAddress}`);
  if (n.asn) parts.push(`in AS${n.asn}${n.asOrg ? ` (${n.asOrg})` : ''}`);
  if (n.country) parts.push(`located in ${n.country}`);
  let text = sentence(`${parts.join(', ') || 'from an unknown network'}.`);
  if (n.hosting) text += ` It is a hosting or cloud network${n.provider ? ` (${n.provider})` : ''}.`;
  return text;
}

function unusualItem(u: Unusual): ComponentChildren {
  const what = PROPERTY_WORDS[u.property] ?? words(u.property);
  const baseline = u.baseline ?? [];
  const seen = baseline.map((b) => `${b.value} (${plural(b.count, 'sign-in')})`).join(', ');
  const more =
    (u.valuesInBaseline ?? 0) > baseline.length
      ? ` and ${(u.valuesInBaseline ?? 0) - baseline.length} more`
      : '';
  return (
    <li>
      The {what} <strong>{u.value}</strong> had never been seen for this principal
      {u.weight ? ` (a ${u.weight} signal)` : ''}.{' '}
      {baseline.length > 0 ? `Its baseline had ${seen}${more}.` : 'Its baseline had no value yet.'}
      {u.familiarOwner ? ` It belongs to the same owner as ${u.familiarOwner}.` : ''}
    </li>
  );
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return formatTime(v);
  if (Array.isArray(v)) return v.map(scalarText).join(', ') || 'none';
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `${words(k)}: ${scalarText(x)}`)
      .join('; ');
  }
  return String(v);
}

/**
 * A detection's explanation for a person: the reason as written, what was unusual against which
 * baseline, the network, related changes, and the records that contributed, as sentences and
 * lists rather than JSON. Entries this view does not know are shown as labelled values.
 */
export function DetectionExplanation(props: { additionalInfo: string }) {
  const entries = infoEntries(props.additionalInfo);
  if (entries.length === 0) {
    return <p class="explanation">No explanation was recorded for this detection.</p>;
  }
  const out: ComponentChildren[] = [];
  const records: { label: string; ids: string[] }[] = [];
  const facts: { label: string; text: string }[] = [];
  for (const { Key, Value } of entries) {
    if (Value === null || Value === undefined) continue;
    if (Key === 'reason' && typeof Value === 'string') {
      out.push(
        <p key={Key} class="reason">
          {Value}
        </p>,
      );
    } else if (Key === 'unusual' && Array.isArray(Value)) {
      out.push(
        <div key={Key}>
          <h4>What was unusual</h4>
          <ul>{(Value as Unusual[]).map((u) => unusualItem(u))}</ul>
        </div>,
      );
    } else if (Key === 'baseline' && typeof Value === 'object') {
      const b = Value as { since?: string; successfulSignIns?: number; learningDays?: number };
      out.push(
        <p key={Key}>
          The baseline it broke was learned from {plural(b.successfulSignIns ?? 0, 'successful sign-in')}
          {b.since ? ` since ${formatTime(b.since)}` : ''}
          {b.learningDays ? `, after at least ${plural(b.learningDays, 'day')} of learning` : ''}.
        </p>,
      );
    } else if ((Key === 'network' || Key === 'address') && typeof Value === 'object') {
      out.push(
        <p key={Key}>The activity came {networkSentence(Value as Network).replace(/^From/, 'from')}</p>,
      );
    } else if (Key === 'signIns' && typeof Value === 'number') {
      out.push(<p key={Key}>{plural(Value, 'sign-in')} showed this.</p>);
    } else if (Key === 'relatedChanges' && Array.isArray(Value)) {
      out.push(
        <div key={Key}>
          <h4>Changes shortly before</h4>
          <ul>
            {(Value as RelatedChange[]).map((c) => (
              <li key={`${c.at}-${c.activity}`}>
                {formatTime(c.at)}: {words(c.kind)}
                {c.keyId ? ` (credential ${c.keyId})` : ''} by {c.actor ?? 'an unknown actor'} —{' '}
                {c.authorised ? 'a routine change' : 'not a routine change'}.
              </li>
            ))}
          </ul>
        </div>,
      );
    } else if (Key === 'riskLoweredFrom' && typeof Value === 'string') {
      out.push(
        <p key={Key}>The risk was lowered from {Value} because an authorised change explains part of it.</p>,
      );
    } else if (Key === 'privilege' && typeof Value === 'object') {
      const p = Value as { permissions?: string[]; roles?: string[]; effect?: string };
      out.push(
        <p key={Key}>
          The principal is privileged
          {p.permissions?.length ? `: it holds ${p.permissions.join(', ')}` : ''}
          {p.roles?.length ? `${p.permissions?.length ? ' and' : ':'} the roles ${p.roles.join(', ')}` : ''}.{' '}
          {p.effect ?? ''}
        </p>,
      );
    } else if (/Ids$/.test(Key) && Array.isArray(Value)) {
      records.push({
        label:
          Key === 'contributingSignInIds'
            ? 'Sign-ins that contributed'
            : sentence(words(Key.replace(/Ids$/, ''))),
        ids: Value.map(String),
      });
    } else if (Key === 'auditId' && typeof Value === 'string') {
      records.push({ label: 'Audit record', ids: [Value] });
    } else {
      facts.push({ label: sentence(words(Key)), text: scalarText(Value) });
    }
  }
  return (
    <div class="explanation">
      {out}
      {facts.length > 0 ? (
        <dl class="facts">
          {facts.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {records.map((r) => (
        <details key={r.label}>
          <summary>
            {r.label} ({r.ids.length})
          </summary>
          <ul class="ids">
            {r.ids.map((id) => (
              <li key={id}>
                <code>{id}</code>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}
