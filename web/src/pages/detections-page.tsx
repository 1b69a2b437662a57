import { useMemo, useState } from 'preact/hooks';
import { download, errorMessage } from '../api.ts';
import { type Column, DataTable, Pager } from '../components/data-table.tsx';
import { FilterBar, PageSizeSelect, SearchBox } from '../components/filter-bar.tsx';
import { Notice, NoticeSlot } from '../components/notice.tsx';
import { RiskBadge, StateBadge } from '../components/risk-badge.tsx';
import {
  allOf,
  dateRange,
  formatTime,
  odataString,
  plural,
  queryString,
  sentence,
  words,
} from '../format.ts';
import { can, type Me } from '../session.ts';
import { useCollection } from '../use-collection.ts';
import { orderByOf, sortedBy, type TableViewSpec, useTableView } from '../use-table-view.ts';

/** A servicePrincipalRiskDetection as the API returns it. */
export interface Detection {
  id: string;
  riskEventType: string;
  riskLevel: string;
  riskState: string;
  riskDetail: string;
  activity: string;
  ipAddress: string | null;
  location: { city?: string | null; state?: string | null; countryOrRegion?: string | null } | null;
  activityDateTime: string;
  detectedDateTime: string;
  lastUpdatedDateTime: string;
  servicePrincipalId: string;
  servicePrincipalDisplayName: string | null;
  appId: string | null;
  keyIds: string[];
  additionalInfo: string;
}

const COLLECTION = '/v1.0/identityProtection/servicePrincipalRiskDetections';

/** The detection types Vigil raises, with the names people know them by. */
export const riskEventTypeNames: Readonly<Record<string, string>> = {
  suspiciousSignins: 'Suspicious sign-ins',
  investigationsThreatIntelligence: 'Threat intelligence',
  leakedCredentials: 'Leaked credentials',
  unusualCredentialAddition: 'Unusual credential addition',
  removedCredentialUsed: 'Removed credential used',
  adminConfirmedServicePrincipalCompromised: 'Admin confirmed compromised',
};

const LEVELS = ['high', 'medium', 'low'];
const STATES = ['atRisk', 'confirmedCompromised', 'dismissed', 'remediated'];
const VIEW: TableViewSpec = {
  sortable: [
    'detectedDateTime',
    'activityDateTime',
    'riskEventType',
    'riskLevel',
    'riskState',
    'servicePrincipalDisplayName',
    'ipAddress',
  ],
  defaultSort: { property: 'detectedDateTime', descending: true },
  choices: { level: LEVELS, state: STATES, type: Object.keys(riskEventTypeNames) },
};

/** A detection type's name for people; its wire name in words when Vigil has no name for it. */
export function riskEventTypeName(type: string): string {
  return riskEventTypeNames[type] ?? sentence(words(type));
}

/** Where a detection happened, as words. */
export function placeOf(d: Detection): string {
  const l = d.location;
  return l ? [l.city, l.countryOrRegion].filter(Boolean).join(', ') || '–' : '–';
}

/** The "Workload identity detections" report: filter, sort, page and download CSV. */
export function DetectionsPage(props: { me: Me; query: string }) {
  const [view, setView] = useTableView('detections', props.query, VIEW);
  const { filters, sort, pageSize } = view;
  const [error, setError] = useState<string | null>(null);
  const filter = allOf([
    filters.level && `riskLevel eq ${odataString(filters.level)}`,
    filters.state && `riskState eq ${odataString(filters.state)}`,
    filters.type && `riskEventType eq ${odataString(filters.type)}`,
    ...dateRange('detectedDateTime', filters.from, filters.to),
    filters.search && `contains(servicePrincipalDisplayName,${odataString(filters.search)})`,
  ]);
  const order = orderByOf(sort);
  const firstPath = useMemo(
    () => COLLECTION + queryString({ $filter: filter, $orderby: order, $top: pageSize, $count: true }),
    [filter, order, pageSize],
  );
  const collection = useCollection<Detection>(firstPath);

  if (!can(props.me, 'IdentityRiskEvent.Read.All')) {
    return (
      <section aria-labelledby="detections-title">
        <h1 id="detections-title">Workload identity detections</h1>
        <p class="state">Your role cannot read risk detections.</p>
      </section>
    );
  }
  const columns: Column<Detection>[] = [
    {
      header: 'Detected',
      sort: 'detectedDateTime',
      cell: (d) => formatTime(d.detectedDateTime),
      className: 'time',
    },
    {
      header: 'Activity time',
      sort: 'activityDateTime',
      cell: (d) => formatTime(d.activityDateTime),
      className: 'time',
    },
    { header: 'Type', sort: 'riskEventType', cell: (d) => riskEventTypeName(d.riskEventType) },
    { header: 'Level', sort: 'riskLevel', cell: (d) => <RiskBadge level={d.riskLevel} /> },
    { header: 'State', sort: 'riskState', cell: (d) => <StateBadge state={d.riskState} /> },
    {
      header: 'Principal',
      sort: 'servicePrincipalDisplayName',
      cell: (d) => (
        <a href={`#/principals/${d.servicePrincipalId}`}>
          {d.servicePrincipalDisplayName ?? d.servicePrincipalId}
        </a>
      ),
    },
    { header: 'IP address', sort: 'ipAddress', cell: (d) => d.ipAddress ?? '–' },
    { header: 'Location', cell: placeOf },
    {
      header: 'Credential key IDs',
      cell: (d) => (d.keyIds.length === 0 ? '–' : d.keyIds.map((k) => <code key={k}>{k}</code>)),
      className: 'id',
    },
  ];
  return (
    <section aria-labelledby="detections-title">
      <h1 id="detections-title">Workload identity detections</h1>
      <FilterBar
        values={filters}
        onChange={(next) => setView({ ...view, filters: next }, 'push')}
        label="Filter detections"
        fields={[
          { name: 'level', label: 'Risk level', options: LEVELS },
          { name: 'state', label: 'Risk state', options: STATES },
          {
            name: 'type',
            label: 'Detection type',
            options: Object.keys(riskEventTypeNames),
            names: riskEventTypeNames,
          },
        ]}
        dateLabel="Detected"
      >
        <SearchBox
          label="Principal name contains"
          value={filters.search}
          onChange={(search, committed) =>
            setView({ ...view, filters: { ...filters, search } }, committed ? 'push' : 'typing')
          }
        />
      </FilterBar>
      <div class="toolbar">
        <p class="count" aria-live="polite">
          {collection.count === null ? '\u00a0' : plural(collection.count, 'detection')}
        </p>
        <div class="actions">
          <PageSizeSelect value={pageSize} onChange={(n) => setView({ ...view, pageSize: n }, 'push')} />
          <button
            type="button"
            onClick={() =>
              download(
                `/vigil/csv/servicePrincipalRiskDetections${queryString({ $filter: filter, $orderby: order })}`,
                'servicePrincipalRiskDetections.csv',
              ).catch((err: unknown) => setError(errorMessage(err)))
            }
          >
            Download CSV
          </button>
        </div>
      </div>
      <NoticeSlot>
        <Notice kind="error" text={error} />
      </NoticeSlot>
      <DataTable
        caption="Workload identity detections"
        columns={columns}
        rows={collection.rows}
        rowKey={(d) => d.id}
        status={collection.status}
        error={collection.error}
        empty="No detection matches these filters."
        placeholderRows={Math.min(pageSize, 10)}
        sort={sort}
        onSort={(property) => setView(sortedBy(view, property), 'push')}
      />
      <Pager collection={collection} pageSize={pageSize} noun="detections" />
    </section>
  );
}
