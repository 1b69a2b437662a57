import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { ApiError, errorMessage, getJson, localPath, optionalFeature, type Page } from '../api.ts';
import { DetectionExplanation, infoEntries } from '../components/detection-explanation.tsx';
import { Notice, NoticeSlot, type NoticeText } from '../components/notice.tsx';
import { RemediationSection } from '../components/remediation-section.tsx';
import {
  type RiskAction,
  RiskActionButtons,
  RiskActionDialog,
  RiskActionReasons,
} from '../components/risk-action-dialog.tsx';
import { RiskBadge, StateBadge } from '../components/risk-badge.tsx';
import { Section } from '../components/section.tsx';
import { countByDay, SignInsChart } from '../components/sign-ins-chart.tsx';
import { inventoryPath } from '../credential-paths.ts';
import { formatTime, odataString, plural, queryString, words } from '../format.ts';
import { can, canDisable, type Me } from '../session.ts';
import { useLoad } from '../use-load.ts';
import { reportHref } from '../use-table-view.ts';
import { type Detection, placeOf, riskEventTypeName } from './detections-page.tsx';
import type { RiskyPrincipal } from './risky-principals-page.tsx';

interface ServicePrincipal {
  id: string;
  appId: string | null;
  displayName: string | null;
  servicePrincipalType: string | null;
  accountEnabled: boolean | null;
  appOwnerOrganizationId: string | null;
  createdDateTime: string | null;
}

interface HistoryItem extends RiskyPrincipal {
  initiatedBy: string | null;
  activity: { riskEventTypes: string[]; detail: string } | null;
}

interface SignIn {
  createdDateTime: string;
  autonomousSystemNumber: number | null;
  location: { countryOrRegion?: string | null } | null;
}

interface Credential {
  objectType: string;
  keyId: string;
  type: string;
  displayName: string | null;
  hint: string | null;
  thumbprint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  addedDateTime: string | null;
  addedBy: string | null;
  removedDateTime: string | null;
  removedBy: string | null;
  lastUsedDateTime: string | null;
  signIns: number;
  status: string;
}

interface Investigation {
  window?: { start: string; end: string };
  questions: {
    question: string;
    title: string;
    verdict: string;
    summary: string;
    evidenceCount: number;
    evidence: unknown[];
    '@odata.nextLink'?: string;
  }[];
}

const MAX_SIGN_IN_PAGES = 5;

/** Reads up to five pages (5,000) of a principal's sign-ins, newest first, for the chart. */
async function readSignIns(id: string): Promise<{ signIns: SignIn[]; more: boolean }> {
  let path: string | undefined = `/beta/auditLogs/signIns${queryString({
    $filter: `servicePrincipalId eq ${odataString(id)}`,
    $select: 'createdDateTime,autonomousSystemNumber,location',
    $top: 1000,
  })}`;
  const signIns: SignIn[] = [];
  for (let i = 0; i < MAX_SIGN_IN_PAGES && path; i++) {
    const page: Page<SignIn> = await getJson<Page<SignIn>>(path);
    signIns.push(...page.value);
    path = page['@odata.nextLink'] ? localPath(page['@odata.nextLink']) : undefined;
  }
  return { signIns, more: path !== undefined };
}

/** Null when the server answers 404 (the principal has no risk record, or the feature is missing). */
async function orMissing<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Everything about one principal: risk, history, detections explained, sign-ins, credentials, investigation, remediation. */
export function PrincipalPage(props: { me: Me; id: string }) {
  const { me, id } = props;
  const base = `/v1.0/identityProtection/riskyServicePrincipals/${encodeURIComponent(id)}`;
  const overview = useLoad(async () => {
    const [risky, principal] = await Promise.all([
      can(me, 'IdentityRiskyServicePrincipal.Read.All') ? orMissing(getJson<RiskyPrincipal>(base)) : null,
      can(me, 'Application.Read.All')
        ? orMissing(getJson<ServicePrincipal>(`/v1.0/servicePrincipals/${encodeURIComponent(id)}`))
        : null,
    ]);
    return { risky, principal };
  }, [id]);
  const detections = useLoad(
    () =>
      getJson<Page<Detection>>(
        `/v1.0/identityProtection/servicePrincipalRiskDetections${queryString({
          $filter: `servicePrincipalId eq ${odataString(id)}`,
          $top: 50,
        })}`,
      ),
    [id],
  );
  const name = overview.data?.principal?.displayName ?? overview.data?.risky?.displayName ?? id;
  const [action, setAction] = useState<RiskAction | null>(null);
  const [notice, setNotice] = useState<NoticeText | null>(null);
  // A risk action remounts the sections that follow risk; a remediation step reads the overview,
  // history and credentials again in place, and never remounts the plan (a dialog of it may be open).
  const [generation, setGeneration] = useState(0);
  const [refreshed, setRefreshed] = useState(0);
  const mayChangeRisk = can(me, 'IdentityRiskyServicePrincipal.ReadWrite.All');
  const mayDisable = canDisable(me);
  const privilege = useMemo(() => {
    for (const d of detections.data?.value ?? []) {
      const p = infoEntries(d.additionalInfo).find((e) => e.Key === 'privilege');
      if (p) return p.Value as { permissions?: string[]; roles?: string[] };
    }
    return null;
  }, [detections.data]);

  return (
    <article aria-labelledby="principal-title">
      <p class="crumbs">
        <a href={reportHref('risky')}>Risky workload identities</a> ›{' '}
        {overview.status === 'loading' ? '…' : name}
      </p>
      <h1 id="principal-title">{overview.status === 'loading' ? 'Loading principal…' : name}</h1>
      <div class="toolbar">
        <fieldset class="actions bare">
          <legend class="visually-hidden">Act on this principal</legend>
          <RiskActionButtons
            count={overview.data?.risky || overview.data?.principal ? 1 : 0}
            mayChangeRisk={mayChangeRisk}
            mayDisable={mayDisable && overview.data?.principal?.accountEnabled !== false}
            onAction={setAction}
          />
        </fieldset>
      </div>
      <RiskActionReasons mayChangeRisk={mayChangeRisk} mayDisable={mayDisable} roles={me.roles} />
      <NoticeSlot>{notice ? <Notice {...notice} /> : null}</NoticeSlot>
      {action ? (
        <RiskActionDialog
          action={action}
          targets={[{ id, displayName: name === id ? null : name }]}
          onCancel={() => setAction(null)}
          onDone={(outcome) => {
            setNotice(outcome);
            setAction(null);
            overview.reload();
            detections.reload();
            setGeneration((g) => g + 1);
          }}
        />
      ) : null}
      <Section title="Overview" loaded={overview}>
        {overview.data ? (
          <Overview
            id={id}
            risky={overview.data.risky}
            principal={overview.data.principal}
            privilege={privilege}
            tenantId={me.tenantId}
          />
        ) : null}
      </Section>
      <InvestigationSection key={`i${generation}`} base={base} me={me} refresh={refreshed} />
      <RemediationSection
        key={`r${generation}`}
        base={base}
        me={me}
        servicePrincipalId={id}
        principalName={name}
        onDisable={() => setAction('disable')}
        onChanged={() => {
          overview.reload();
          detections.reload();
          setRefreshed((r) => r + 1);
        }}
      />
      <HistorySection key={generation} base={base} me={me} refresh={refreshed} />
      <Section title="Detections" loaded={detections} needs={can(me, 'IdentityRiskEvent.Read.All')}>
        {detections.data?.value.length === 0 ? (
          <p class="state">No detection for this principal.</p>
        ) : (
          <ol class="detections">
            {detections.data?.value.map((d, i) => (
              <li key={d.id} class="detection">
                <h3>
                  {riskEventTypeName(d.riskEventType)} <RiskBadge level={d.riskLevel} />{' '}
                  <StateBadge state={d.riskState} />
                </h3>
                <p class="meta">
                  Activity {formatTime(d.activityDateTime)} · detected {formatTime(d.detectedDateTime)}
                  {d.ipAddress ? ` · ${d.ipAddress} (${placeOf(d)})` : ''}
                  {d.keyIds.length > 0 ? ` · credential ${d.keyIds.join(', ')}` : ''}
                </p>
                {/* The newest few are open; a principal with dozens stays readable. */}
                <details class="why" open={i < 3}>
                  <summary>Why it was raised</summary>
                  <DetectionExplanation additionalInfo={d.additionalInfo} />
                </details>
              </li>
            ))}
          </ol>
        )}
      </Section>
      <SignInsSection id={id} me={me} />
      <CredentialsSection id={id} me={me} refresh={generation + refreshed} />
    </article>
  );
}

function Overview(props: {
  id: string;
  risky: RiskyPrincipal | null;
  principal: ServicePrincipal | null;
  privilege: { permissions?: string[]; roles?: string[] } | null;
  tenantId: string;
}) {
  const { risky, principal } = props;
  const owner = principal?.appOwnerOrganizationId;
  const enabled = principal?.accountEnabled ?? risky?.isEnabled ?? null;
  const rows: [string, ComponentChildren][] = [
    ['Risk level', risky ? <RiskBadge level={risky.riskLevel} /> : 'No risk recorded'],
    ['Risk state', risky ? <StateBadge state={risky.riskState} /> : '–'],
    ['Risk detail', risky ? words(risky.riskDetail) : '–'],
    ['Risk last updated', formatTime(risky?.riskLastUpdatedDateTime)],
    ['Type', principal?.servicePrincipalType ?? risky?.servicePrincipalType ?? '–'],
    [
      'Owner tenant',
      owner ? (
        <>
          <code>{owner}</code>{' '}
          {owner === props.tenantId ? '(this tenant)' : '(another tenant: a multi-tenant app)'}
        </>
      ) : (
        '–'
      ),
    ],
    ['Enabled', enabled === null ? '–' : enabled ? 'Yes' : 'No (disabled)'],
    [
      'Privilege',
      props.privilege
        ? [...(props.privilege.permissions ?? []), ...(props.privilege.roles ?? [])].join(', ') ||
          'privileged'
        : 'No sensitive permission or role seen in its detections',
    ],
    ['Object ID', <code key="id">{props.id}</code>],
    ['App ID', <code key="app">{principal?.appId ?? risky?.appId ?? '–'}</code>],
  ];
  return (
    <dl class="overview">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function HistorySection(props: { base: string; me: Me; refresh: number }) {
  const history = useLoad(
    () => orMissing(getJson<Page<HistoryItem>>(`${props.base}/history?$top=100`)),
    [props.base, props.refresh],
  );
  const items = history.data?.value ?? [];
  return (
    <Section
      title="Risk history"
      loaded={history}
      needs={can(props.me, 'IdentityRiskyServicePrincipal.Read.All')}
    >
      {items.length === 0 ? (
        <p class="state">No change of risk recorded.</p>
      ) : (
        <ol class="timeline">
          {items.map((h) => (
            <li key={h.id}>
              <time dateTime={h.riskLastUpdatedDateTime ?? undefined}>
                {formatTime(h.riskLastUpdatedDateTime)}
              </time>
              <span>
                <RiskBadge level={h.riskLevel} /> <StateBadge state={h.riskState} /> —{' '}
                {words(h.activity?.detail ?? h.riskDetail)}
                {h.activity?.riskEventTypes.length
                  ? ` after ${h.activity.riskEventTypes.map((t) => riskEventTypeName(t).toLowerCase()).join(', ')}`
                  : ''}
                {h.initiatedBy ? `, by ${h.initiatedBy}` : ', by Vigil'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function SignInsSection(props: { id: string; me: Me }) {
  const loaded = useLoad(() => readSignIns(props.id), [props.id]);
  const byAsn = useMemo(
    () =>
      countByDay(
        loaded.data?.signIns ?? [],
        (s) => s.createdDateTime,
        (s) => (s.autonomousSystemNumber ? `AS${s.autonomousSystemNumber}` : 'unknown'),
      ),
    [loaded.data],
  );
  const byCountry = useMemo(
    () =>
      countByDay(
        loaded.data?.signIns ?? [],
        (s) => s.createdDateTime,
        (s) => s.location?.countryOrRegion || 'unknown',
      ),
    [loaded.data],
  );
  return (
    <Section title="Sign-ins over time" loaded={loaded} needs={can(props.me, 'AuditLog.Read.All')}>
      <p class="hint">
        {plural(loaded.data?.signIns.length ?? 0, 'sign-in')}
        {loaded.data?.more ? ' (the most recent; older ones are left out of the chart)' : ''}, per UTC day.
      </p>
      <div class="charts">
        <SignInsChart title="By network (ASN)" data={byAsn} />
        <SignInsChart title="By country" data={byCountry} />
      </div>
    </Section>
  );
}

function CredentialsSection(props: { id: string; me: Me; refresh: number }) {
  const loaded = useLoad(
    () => orMissing(getJson<{ value: Credential[] }>(inventoryPath(props.id))),
    [props.id, props.refresh],
  );
  const rows = loaded.data?.value ?? [];
  return (
    <Section title="Credentials" loaded={loaded} needs={can(props.me, 'Application.Read.All')}>
      {loaded.data === null ? (
        <p class="state">This principal is not in the inventory.</p>
      ) : rows.length === 0 ? (
        <p class="state">No credential recorded.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        <section class="table-wrap" aria-label="Credentials" tabIndex={0}>
          <table>
            <caption class="visually-hidden">Credentials of the principal and its application</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Kind</th>
                <th scope="col">On</th>
                <th scope="col">Name</th>
                <th scope="col">Key ID</th>
                <th scope="col">Valid</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">Sign-ins</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={`${c.objectType}-${c.keyId}`} class={`credential status-${c.status}`}>
                  <td>
                    <span class={`badge cred-${c.status}`}>{words(c.status)}</span>
                  </td>
                  <td>{words(c.type)}</td>
                  <td>{words(c.objectType)}</td>
                  <td>
                    {c.displayName ?? '–'}
                    {c.hint ? ` (${c.hint}…)` : ''}
                  </td>
                  <td class="id">
                    <code>{c.keyId}</code>
                  </td>
                  <td class="time">
                    {formatTime(c.startDateTime)} → {formatTime(c.endDateTime)}
                  </td>
                  <td class="time">
                    {formatTime(c.addedDateTime)}
                    {c.addedBy ? ` by ${c.addedBy}` : ''}
                    {c.removedDateTime
                      ? `; removed ${formatTime(c.removedDateTime)}${c.removedBy ? ` by ${c.removedBy}` : ''}`
                      : ''}
                  </td>
                  <td class="time">{formatTime(c.lastUsedDateTime)}</td>
                  <td class="num">{c.signIns.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Section>
  );
}

function InvestigationSection(props: { base: string; me: Me; refresh: number }) {
  const loaded = useLoad(
    () => optionalFeature(getJson<Investigation>(`${props.base}/investigation`)),
    [props.base, props.refresh],
  );
  const d = loaded.data;
  return (
    <Section
      title="Investigation"
      loaded={loaded}
      needs={can(props.me, 'IdentityRiskyServicePrincipal.Read.All')}
    >
      {d && !d.available ? (
        <p class="state">Investigation is not available on this server.</p>
      ) : d?.available && d.data ? (
        <>
          {d.data.window ? (
            <p class="hint">
              Looked at {formatTime(d.data.window.start)} to {formatTime(d.data.window.end)}.
            </p>
          ) : null}
          <ol class="questions">
            {d.data.questions.map((q) => (
              // A question keeps the evidence pages it fetched; read again, it starts over.
              <QuestionItem key={`${q.question}-${props.refresh}`} question={q} />
            ))}
          </ol>
        </>
      ) : (
        <p class="state">Nothing to investigate for this principal.</p>
      )}
    </Section>
  );
}

/** One investigation question: its verdict and summary, and its evidence, more of it on request. */
function QuestionItem(props: { question: Investigation['questions'][number] }) {
  const q = props.question;
  const [evidence, setEvidence] = useState<unknown[]>(q.evidence);
  const [next, setNext] = useState<string | undefined>(q['@odata.nextLink']);
  const [error, setError] = useState<string | null>(null);
  const more = async () => {
    if (!next) return;
    try {
      const page = await getJson<Page<unknown>>(localPath(next));
      setEvidence((e) => [...e, ...page.value]);
      setNext(page['@odata.nextLink']);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li class={`question verdict-${q.verdict}`}>
      <h3>
        {q.title} <span class={`badge verdict-${q.verdict}`}>{words(q.verdict)}</span>
      </h3>
      <p>{q.summary}</p>
      {evidence.length > 0 ? (
        <details>
          <summary>Evidence ({q.evidenceCount})</summary>
          <ul class="evidence">
            {evidence.map((e, i) => (
              <li key={evidenceKey(e, i)}>{evidenceText(e)}</li>
            ))}
          </ul>
          {next ? (
            <button type="button" onClick={() => void more()}>
              More evidence
            </button>
          ) : null}
          <Notice kind="error" text={error} />
        </details>
      ) : null}
    </li>
  );
}

function evidenceKey(e: unknown, i: number): string {
  const id = typeof e === 'object' && e !== null ? (e as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : String(i);
}

/** An evidence item as one line: when, and its description (or its fields when it has none). */
function evidenceText(e: unknown): string {
  if (typeof e !== 'object' || e === null) return String(e);
  const o = e as Record<string, unknown>;
  const when = typeof o.dateTime === 'string' ? `${formatTime(o.dateTime)}: ` : '';
  for (const k of ['description', 'summary', 'text', 'title']) {
    if (typeof o[k] === 'string') return `${when}${o[k] as string}`;
  }
  return (
    when +
    Object.entries(o)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .map(
        ([k, v]) =>
          `${words(k)}: ${typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? formatTime(v) : String(v)}`,
      )
      .join(' · ')
  );
}
