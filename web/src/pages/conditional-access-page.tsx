import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage, getJson, type Page, sendJson } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Notice, NoticeSlot, type NoticeText } from '../components/notice.tsx';
import { formatTime, plural, words } from '../format.ts';
import { can, type Me } from '../session.ts';
import { type Loaded, useLoad } from '../use-load.ts';

interface Policy {
  id: string;
  displayName: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  modifiedDateTime?: string | null;
  conditions: {
    applications?: { includeApplications?: string[]; excludeApplications?: string[] } | null;
    clientApplications?: { includeServicePrincipals?: string[]; excludeServicePrincipals?: string[] } | null;
    servicePrincipalRiskLevels?: string[] | null;
    locations?: { includeLocations?: string[]; excludeLocations?: string[] } | null;
  };
  grantControls?: { operator?: string; builtInControls?: string[] } | null;
}

interface NamedLocation {
  id: string;
  '@odata.type': string;
  displayName: string;
  isTrusted?: boolean;
  ipRanges?: { cidrAddress: string }[];
  countriesAndRegions?: string[];
  includeUnknownCountriesAndRegions?: boolean;
}

interface WhatIf {
  fromDateTime: string;
  toDateTime: string;
  signInsEvaluated: number;
  signInsBlocked: number;
  principalsEvaluated: number;
  principalsBlocked: {
    servicePrincipalId: string;
    displayName: string | null;
    signIns: number;
    blocked: number;
    firstBlockedDateTime: string;
    lastBlockedDateTime: string;
  }[];
  assumptions: string[];
}

/** The policy form's fields, as people fill them in. */
interface PolicyForm {
  id: string | null;
  displayName: string;
  state: Policy['state'];
  riskLevels: string[];
  includeServicePrincipals: string;
  excludeServicePrincipals: string;
  includeLocations: string[];
  excludeLocations: string[];
}

const BASE = '/v1.0/identity/conditionalAccess';
const STATES: Policy['state'][] = ['disabled', 'enabledForReportingButNotEnforced', 'enabled'];
const LEVELS = ['high', 'medium', 'low'];
const IP_TYPE = '#microsoft.graph.ipNamedLocation';
const COUNTRY_TYPE = '#microsoft.graph.countryNamedLocation';

const lines = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function formOf(p: Policy | null): PolicyForm {
  return {
    id: p?.id ?? null,
    displayName: p?.displayName ?? '',
    state: p?.state ?? 'disabled',
    riskLevels: p?.conditions.servicePrincipalRiskLevels ?? [],
    includeServicePrincipals: (
      p?.conditions.clientApplications?.includeServicePrincipals ?? ['ServicePrincipalsInMyTenant']
    ).join('\n'),
    excludeServicePrincipals: (p?.conditions.clientApplications?.excludeServicePrincipals ?? []).join('\n'),
    includeLocations: p?.conditions.locations?.includeLocations ?? [],
    excludeLocations: p?.conditions.locations?.excludeLocations ?? [],
  };
}

/** The policy body the API takes, from the form. */
function bodyOf(f: PolicyForm): Record<string, unknown> {
  const locations =
    f.includeLocations.length > 0 || f.excludeLocations.length > 0
      ? {
          includeLocations: f.includeLocations.length > 0 ? f.includeLocations : ['All'],
          excludeLocations: f.excludeLocations,
        }
      : null;
  return {
    displayName: f.displayName.trim(),
    state: f.state,
    conditions: {
      applications: { includeApplications: ['All'] },
      clientApplications: {
        includeServicePrincipals: lines(f.includeServicePrincipals),
        excludeServicePrincipals: lines(f.excludeServicePrincipals),
      },
      servicePrincipalRiskLevels: f.riskLevels,
      locations,
    },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  };
}

/** Conditional Access for workload identities: policies and named locations, with a what-if before enabling. */
export function ConditionalAccessPage(props: { me: Me }) {
  const mayRead = can(props.me, 'Policy.Read.All');
  const mayWrite = can(props.me, 'Policy.ReadWrite.ConditionalAccess');
  const policies = useLoad(() => getJson<Page<Policy>>(`${BASE}/policies?$top=100`), []);
  const locations = useLoad(() => getJson<Page<NamedLocation>>(`${BASE}/namedLocations?$top=100`), []);
  const [editing, setEditing] = useState<PolicyForm | null>(null);
  const [editingLocation, setEditingLocation] = useState<NamedLocation | 'new' | null>(null);
  const [notice, setNotice] = useState<NoticeText | null>(null);
  const [deleting, setDeleting] = useState<{
    kind: 'policies' | 'namedLocations';
    id: string;
    name: string;
  } | null>(null);
  if (!mayRead) {
    return (
      <section aria-labelledby="ca-title">
        <h1 id="ca-title">Conditional Access</h1>
        <p class="state">Your role cannot read Conditional Access policies.</p>
      </section>
    );
  }
  // `All` and `AllTrusted` are no named location: they read as they are.
  const locationName = (id: string) => locations.data?.value.find((l) => l.id === id)?.displayName ?? id;
  const remove = async () => {
    if (!deleting) return;
    try {
      await sendJson('DELETE', `${BASE}/${deleting.kind}/${deleting.id}`);
      setNotice({ kind: 'ok', text: `Deleted ${deleting.name}.` });
    } catch (err) {
      setNotice({ kind: 'error', text: errorMessage(err) });
    }
    setDeleting(null);
    policies.reload();
    locations.reload();
  };

  return (
    <section aria-labelledby="ca-title">
      <h1 id="ca-title">Conditional Access</h1>
      <p class="hint">
        Policies block workload identities by risk or by network. A new or changed policy is replayed over the
        recorded sign-ins (what-if) before it is enabled.
      </p>
      <NoticeSlot>{notice ? <Notice {...notice} /> : null}</NoticeSlot>
      <ListPanel
        id="policies"
        title="Policies"
        caption="Conditional Access policies"
        newLabel="New policy"
        primary={true}
        mayWrite={mayWrite}
        onNew={() => setEditing(formOf(null))}
        loaded={policies}
        headers={['Name', 'State', 'Risk levels', 'Service principals', 'Locations', 'Modified']}
        empty="No policy yet."
        cells={(p) => (
          <>
            <td>{p.displayName}</td>
            <td>
              <span class={`badge policy-${p.state}`}>{words(p.state)}</span>
            </td>
            <td>{p.conditions.servicePrincipalRiskLevels?.join(', ') || 'any'}</td>
            <td>
              {(p.conditions.clientApplications?.includeServicePrincipals ?? []).join(', ')}
              {p.conditions.clientApplications?.excludeServicePrincipals?.length
                ? ` (except ${p.conditions.clientApplications.excludeServicePrincipals.length})`
                : ''}
            </td>
            <td>
              {p.conditions.locations
                ? `${(p.conditions.locations.includeLocations ?? []).map(locationName).join(', ')}${
                    p.conditions.locations.excludeLocations?.length
                      ? ` except ${p.conditions.locations.excludeLocations.map(locationName).join(', ')}`
                      : ''
                  }`
                : 'any'}
            </td>
            <td class="time">{formatTime(p.modifiedDateTime)}</td>
          </>
        )}
        onEdit={(p) => setEditing(formOf(p))}
        onDelete={(p) => setDeleting({ kind: 'policies', id: p.id, name: p.displayName })}
      />
      {editing ? (
        <PolicyEditor
          form={editing}
          locations={locations.data?.value ?? []}
          onCancel={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            setNotice({ kind: 'ok', text });
            policies.reload();
          }}
        />
      ) : null}

      <ListPanel
        id="locations"
        title="Named locations"
        caption="Named locations"
        newLabel="New named location"
        mayWrite={mayWrite}
        onNew={() => setEditingLocation('new')}
        loaded={locations}
        headers={['Name', 'Kind', 'Ranges or countries', 'Trusted']}
        empty="No named location yet."
        cells={(l) => (
          <>
            <td>{l.displayName}</td>
            <td>{l['@odata.type'] === IP_TYPE ? 'IP ranges' : 'Countries'}</td>
            <td>
              {l['@odata.type'] === IP_TYPE
                ? (l.ipRanges ?? []).map((r) => r.cidrAddress).join(', ')
                : `${(l.countriesAndRegions ?? []).join(', ')}${l.includeUnknownCountriesAndRegions ? ' + unknown' : ''}`}
            </td>
            <td>{l['@odata.type'] === IP_TYPE ? (l.isTrusted ? 'Yes' : 'No') : '–'}</td>
          </>
        )}
        onEdit={(l) => setEditingLocation(l)}
        onDelete={(l) => setDeleting({ kind: 'namedLocations', id: l.id, name: l.displayName })}
      />
      {editingLocation ? (
        <LocationEditor
          location={editingLocation === 'new' ? null : editingLocation}
          onCancel={() => setEditingLocation(null)}
          onSaved={(text) => {
            setEditingLocation(null);
            setNotice({ kind: 'ok', text });
            locations.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove()}
        >
          <p>
            {deleting.kind === 'policies'
              ? 'The policy stops applying from the next access decision.'
              : 'The named location is removed. A location still used by a policy cannot be deleted.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function PolicyEditor(props: {
  form: PolicyForm;
  locations: NamedLocation[];
  onCancel: () => void;
  onSaved: (text: string) => void;
}) {
  const [f, setF] = useState<PolicyForm>(props.form);
  const first = useRef<HTMLInputElement>(null);
  // The form opens below the lists: take the reader there.
  useEffect(() => first.current?.focus(), []);
  const [whatIf, setWhatIf] = useState<{ for: string; result: WhatIf } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = bodyOf(f);
  const key = JSON.stringify(body.conditions);
  const wasEnabled = props.form.id !== null && props.form.state === 'enabled';
  // Turning a policy on (or changing what an enabled one blocks) needs a what-if of exactly this content.
  const needsWhatIf =
    f.state === 'enabled' && (!wasEnabled || key !== JSON.stringify(bodyOf(props.form).conditions));
  const whatIfCurrent = whatIf !== null && whatIf.for === key;

  const evaluate = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await sendJson<WhatIf>('POST', `${BASE}/policies/evaluate`, { policy: body, days: 30 });
      if (result) setWhatIf({ for: key, result });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (needsWhatIf && !whatIfCurrent) {
      await evaluate();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (f.id === null) await sendJson('POST', `${BASE}/policies`, body);
      else await sendJson('PATCH', `${BASE}/policies/${f.id}`, body);
      props.onSaved(`Saved policy ${f.displayName} (${words(f.state)}).`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const toggle = (list: string[], value: string) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  const locationChoices = [
    { id: 'All', name: 'Any location (All)' },
    { id: 'AllTrusted', name: 'All trusted locations' },
    ...props.locations.map((l) => ({ id: l.id, name: l.displayName })),
  ];

  return (
    <section class="panel editor" aria-labelledby="policy-editor-title">
      <h2 id="policy-editor-title">{f.id === null ? 'New policy' : `Edit ${props.form.displayName}`}</h2>
      <form onSubmit={(e) => void save(e)}>
        <label class="field">
          <span>Name</span>
          <input
            ref={first}
            name="displayName"
            required
            maxLength={256}
            value={f.displayName}
            onInput={(e) => setF({ ...f, displayName: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>State</span>
          <select
            name="state"
            value={f.state}
            onChange={(e) => setF({ ...f, state: (e.target as HTMLSelectElement).value as Policy['state'] })}
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'enabledForReportingButNotEnforced' ? 'report-only' : s}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Block at service principal risk</legend>
          {LEVELS.map((l) => (
            <label key={l} class="check">
              <input
                type="checkbox"
                name={`risk-${l}`}
                checked={f.riskLevels.includes(l)}
                onChange={() => setF({ ...f, riskLevels: toggle(f.riskLevels, l) })}
              />{' '}
              {l}
            </label>
          ))}
          <p class="hint">None ticked: any risk.</p>
        </fieldset>
        <label class="field">
          <span>Service principals (object ids, or ServicePrincipalsInMyTenant), one a line</span>
          <textarea
            name="includeServicePrincipals"
            rows={3}
            value={f.includeServicePrincipals}
            onInput={(e) => setF({ ...f, includeServicePrincipals: (e.target as HTMLTextAreaElement).value })}
          />
        </label>
        <label class="field">
          <span>Except these service principals</span>
          <textarea
            name="excludeServicePrincipals"
            rows={2}
            value={f.excludeServicePrincipals}
            onInput={(e) => setF({ ...f, excludeServicePrincipals: (e.target as HTMLTextAreaElement).value })}
          />
        </label>
        <fieldset>
          <legend>Locations (none ticked: any)</legend>
          <div class="two-cols">
            <div>
              <p class="hint">Include</p>
              {locationChoices.map((l) => (
                <label key={l.id} class="check">
                  <input
                    type="checkbox"
                    checked={f.includeLocations.includes(l.id)}
                    onChange={() => setF({ ...f, includeLocations: toggle(f.includeLocations, l.id) })}
                  />{' '}
                  {l.name}
                </label>
              ))}
            </div>
            <div>
              <p class="hint">Exclude</p>
              {locationChoices
                .filter((l) => l.id !== 'All')
                .map((l) => (
                  <label key={l.id} class="check">
                    <input
                      type="checkbox"
                      checked={f.excludeLocations.includes(l.id)}
                      onChange={() => setF({ ...f, excludeLocations: toggle(f.excludeLocations, l.id) })}
                    />{' '}
                    {l.name}
                  </label>
                ))}
            </div>
          </div>
        </fieldset>
        <p class="hint">Grant control: block (the only one workload identities can be given).</p>
        <Notice kind="error" text={error} />
        {whatIf ? <WhatIfResult result={whatIf.result} stale={!whatIfCurrent} /> : null}
        <div class="dialog-actions">
          <button type="button" onClick={props.onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" onClick={() => void evaluate()} disabled={busy}>
            What if (last 30 days)
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {needsWhatIf && !whatIfCurrent
              ? 'Review impact before enabling'
              : needsWhatIf
                ? 'Enable policy'
                : 'Save policy'}
          </button>
        </div>
      </form>
    </section>
  );
}

function WhatIfResult(props: { result: WhatIf; stale: boolean }) {
  const r = props.result;
  return (
    <section
      class={`what-if${props.stale ? ' stale' : ''}`}
      aria-labelledby="what-if-title"
      aria-live="polite"
    >
      <h3 id="what-if-title">What if{props.stale ? ' (for an earlier version of this policy)' : ''}</h3>
      <p class="what-if-summary">
        From {formatTime(r.fromDateTime)} to {formatTime(r.toDateTime)} this policy would have blocked{' '}
        <strong>{plural(r.signInsBlocked, 'sign-in')}</strong> of {r.signInsEvaluated.toLocaleString('en')},
        from <strong>{plural(r.principalsBlocked.length, 'principal')}</strong> of{' '}
        {r.principalsEvaluated.toLocaleString('en')}.
      </p>
      {r.principalsBlocked.length > 0 ? (
        <ul>
          {r.principalsBlocked.map((p) => (
            <li key={p.servicePrincipalId}>
              <a href={`#/principals/${p.servicePrincipalId}`}>{p.displayName ?? p.servicePrincipalId}</a>:{' '}
              {p.blocked} of {plural(p.signIns, 'sign-in')} blocked, {formatTime(p.firstBlockedDateTime)} –{' '}
              {formatTime(p.lastBlockedDateTime)}
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Assumptions</summary>
        <ul>
          {r.assumptions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function LocationEditor(props: {
  location: NamedLocation | null;
  onCancel: () => void;
  onSaved: (text: string) => void;
}) {
  const l = props.location;
  const [kind, setKind] = useState(l?.['@odata.type'] ?? IP_TYPE);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const [name, setName] = useState(l?.displayName ?? '');
  const [ranges, setRanges] = useState((l?.ipRanges ?? []).map((r) => r.cidrAddress).join('\n'));
  const [trusted, setTrusted] = useState(l?.isTrusted ?? false);
  const [countries, setCountries] = useState((l?.countriesAndRegions ?? []).join(', '));
  const [unknown, setUnknown] = useState(l?.includeUnknownCountriesAndRegions ?? false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    const body =
      kind === IP_TYPE
        ? {
            '@odata.type': IP_TYPE,
            displayName: name.trim(),
            isTrusted: trusted,
            ipRanges: lines(ranges).map((cidrAddress) => ({
              '@odata.type': cidrAddress.includes(':')
                ? '#microsoft.graph.iPv6CidrRange'
                : '#microsoft.graph.iPv4CidrRange',
              cidrAddress,
            })),
          }
        : {
            '@odata.type': COUNTRY_TYPE,
            displayName: name.trim(),
            countriesAndRegions: lines(countries).map((c) => c.toUpperCase()),
            includeUnknownCountriesAndRegions: unknown,
          };
    try {
      if (l === null) await sendJson('POST', `${BASE}/namedLocations`, body);
      else await sendJson('PATCH', `${BASE}/namedLocations/${l.id}`, body);
      props.onSaved(`Saved named location ${name.trim()}.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section class="panel editor" aria-labelledby="location-editor-title">
      <h2 id="location-editor-title">{l === null ? 'New named location' : `Edit ${l.displayName}`}</h2>
      <form onSubmit={(e) => void save(e)}>
        <label class="field">
          <span>Name</span>
          <input
            ref={first}
            name="locationName"
            required
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          <span>Kind</span>
          <select
            name="kind"
            value={kind}
            disabled={l !== null}
            onChange={(e) => setKind((e.target as HTMLSelectElement).value)}
          >
            <option value={IP_TYPE}>IP ranges</option>
            <option value={COUNTRY_TYPE}>Countries</option>
          </select>
        </label>
        {kind === IP_TYPE ? (
          <>
            <label class="field">
              <span>CIDR ranges, one a line</span>
              <textarea
                name="ranges"
                rows={3}
                value={ranges}
                onInput={(e) => setRanges((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <label class="check">
              <input type="checkbox" checked={trusted} onChange={() => setTrusted(!trusted)} /> Trusted
              location
            </label>
          </>
        ) : (
          <>
            <label class="field">
              <span>Country codes (ISO 3166, e.g. US, DE)</span>
              <input
                name="countries"
                value={countries}
                onInput={(e) => setCountries((e.target as HTMLInputElement).value)}
              />
            </label>
            <label class="check">
              <input type="checkbox" checked={unknown} onChange={() => setUnknown(!unknown)} /> Include
              unknown countries
            </label>
          </>
        )}
        <Notice kind="error" text={error} />
        <div class="dialog-actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Save named location
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * A panel listing policies or named locations: its heading and New button, then a table with Edit
 * and Delete on each row, or why the list could not be read.
 */
function ListPanel<T extends { id: string; displayName: string }>(props: {
  id: string;
  title: string;
  caption: string;
  newLabel: string;
  primary?: boolean;
  mayWrite: boolean;
  onNew: () => void;
  loaded: Loaded<Page<T>>;
  headers: readonly string[];
  empty: string;
  cells: (item: T) => ComponentChildren;
  onEdit: (item: T) => void;
  onDelete: (item: T) => void;
}) {
  const titleId = `${props.id}-title`;
  const { loaded } = props;
  return (
    <section class="panel" aria-labelledby={titleId}>
      <div class="panel-head">
        <h2 id={titleId}>{props.title}</h2>
        <button
          type="button"
          class={props.primary ? 'primary' : undefined}
          disabled={!props.mayWrite}
          onClick={props.onNew}
        >
          {props.newLabel}
        </button>
      </div>
      {loaded.status === 'error' ? (
        <p class="state error" role="alert">
          {loaded.error?.message}
        </p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        <section class="table-wrap" aria-labelledby={titleId} tabIndex={0}>
          <table aria-busy={loaded.status === 'loading'}>
            <caption class="visually-hidden">{props.caption}</caption>
            <thead>
              <tr>
                {props.headers.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data?.value.length === 0 ? (
                <tr>
                  <td colSpan={props.headers.length + 1} class="state">
                    {props.empty}
                  </td>
                </tr>
              ) : null}
              {loaded.data?.value.map((item) => (
                <tr key={item.id}>
                  {props.cells(item)}
                  <RowActions
                    name={item.displayName}
                    disabled={!props.mayWrite}
                    onEdit={() => props.onEdit(item)}
                    onDelete={() => props.onDelete(item)}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

/** The Edit and Delete buttons of a policy's or a named location's row. */
function RowActions(props: { name: string; disabled: boolean; onEdit: () => void; onDelete: () => void }) {
  return (
    <td class="row-actions">
      <button
        type="button"
        disabled={props.disabled}
        onClick={props.onEdit}
        aria-label={`Edit ${props.name}`}
      >
        Edit
      </button>
      <button
        type="button"
        disabled={props.disabled}
        onClick={props.onDelete}
        aria-label={`Delete ${props.name}`}
      >
        Delete
      </button>
    </td>
  );
}
