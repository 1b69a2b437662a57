import { useEffect, useMemo, useState } from 'preact/hooks';
import { download, errorMessage } from '../api.ts';
import { type Column, DataTable, Pager } from '../components/data-table.tsx';
import { FilterBar, type FilterValues, PageSizeSelect, SearchBox } from '../components/filter-bar.tsx';
import { Notice, NoticeSlot, type NoticeText } from '../components/notice.tsx';
import {
  type RiskAction,
  RiskActionButtons,
  RiskActionDialog,
  RiskActionReasons,
  targetName,
} from '../components/risk-action-dialog.tsx';
import { RiskBadge, StateBadge } from '../components/risk-badge.tsx';
import { allOf, dateRange, formatTime, odataString, plural, queryString, words } from '../format.ts';
import { can, canDisable, type Me } from '../session.ts';
import { useCollection } from '../use-collection.ts';
import type { HistoryMode } from '../use-hash-route.ts';
import { orderByOf, sortedBy, type TableViewSpec, useTableView } from '../use-table-view.ts';

/** A riskyServicePrincipal as the API returns it. */
export interface RiskyPrincipal {
  id: string;
  appId: string | null;
  displayName: string | null;
  servicePrincipalType: string | null;
  riskLevel: string;
  riskState: string;
  riskDetail: string;
  riskLastUpdatedDateTime: string | null;
  isEnabled: boolean | null;
}

const COLLECTION = '/v1.0/identityProtection/riskyServicePrincipals';
const LEVELS = ['high', 'medium', 'low', 'none'];
const STATES = ['atRisk', 'confirmedCompromised', 'dismissed', 'remediated', 'confirmedSafe', 'none'];
const TYPES = ['Application', 'ManagedIdentity', 'Legacy'];
const VIEW: TableViewSpec = {
  sortable: [
    'displayName',
    'appId',
    'servicePrincipalType',
    'riskLevel',
    'riskState',
    'riskLastUpdatedDateTime',
  ],
  defaultSort: { property: 'riskLastUpdatedDateTime', descending: true },
  choices: { level: LEVELS, state: STATES, type: TYPES },
};

/** The `$filter` of the risky-principal filters. */
export function riskyFilter(f: FilterValues): string | undefined {
  return allOf([
    f.level && `riskLevel eq ${odataString(f.level)}`,
    f.state && `riskState eq ${odataString(f.state)}`,
    f.type && `servicePrincipalType eq ${odataString(f.type)}`,
    ...dateRange('riskLastUpdatedDateTime', f.from, f.to),
    f.search && `contains(displayName,${odataString(f.search)})`,
  ]);
}

/** The "Risky workload identities" report: filter, sort, page, act on a selection, download CSV. */
export function RiskyPrincipalsPage(props: { me: Me; query: string }) {
  const { me } = props;
  const [view, setView] = useTableView('risky', props.query, VIEW);
  const { filters, sort, pageSize } = view;
  const [selected, setSelected] = useState<Map<string, RiskyPrincipal>>(new Map());
  const [action, setAction] = useState<RiskAction | null>(null);
  const [notice, setNotice] = useState<NoticeText | null>(null);

  const filter = riskyFilter(filters);
  const order = orderByOf(sort);
  const firstPath = useMemo(
    () => COLLECTION + queryString({ $filter: filter, $orderby: order, $top: pageSize, $count: true }),
    [filter, order, pageSize],
  );
  const collection = useCollection<RiskyPrincipal>(firstPath);
  const readable = can(me, 'IdentityRiskyServicePrincipal.Read.All');
  const mayChangeRisk = can(me, 'IdentityRiskyServicePrincipal.ReadWrite.All');
  const mayDisable = canDisable(me);

  // A selection belongs to the rows of one filter: Back, Forward or a new filter clears it.
  useEffect(() => setSelected(new Map()), [filter]);
  const changeFilters = (next: FilterValues, mode: HistoryMode = 'push') =>
    setView({ ...view, filters: next }, mode);
  const onSort = (property: string) => setView(sortedBy(view, property), 'push');

  if (!readable) {
    return (
      <section aria-labelledby="risky-title">
        <h1 id="risky-title">Risky workload identities</h1>
        <p class="state">Your role cannot read risky service principals.</p>
      </section>
    );
  }

  const columns: Column<RiskyPrincipal>[] = [
    {
      header: 'Name',
      sort: 'displayName',
      cell: (r) => <a href={`#/principals/${r.id}`}>{targetName(r)}</a>,
    },
    { header: 'App ID', sort: 'appId', cell: (r) => <code>{r.appId ?? '–'}</code>, className: 'id' },
    { header: 'Type', sort: 'servicePrincipalType', cell: (r) => r.servicePrincipalType ?? '–' },
    { header: 'Risk level', sort: 'riskLevel', cell: (r) => <RiskBadge level={r.riskLevel} /> },
    { header: 'State', sort: 'riskState', cell: (r) => <StateBadge state={r.riskState} /> },
    { header: 'Detail', cell: (r) => words(r.riskDetail), className: 'nowrap' },
    {
      header: 'Last updated',
      sort: 'riskLastUpdatedDateTime',
      cell: (r) => formatTime(r.riskLastUpdatedDateTime),
      className: 'time',
    },
  ];
  const chosen = [...selected.values()];

  return (
    <section aria-labelledby="risky-title">
      <h1 id="risky-title">Risky workload identities</h1>
      <FilterBar
        values={filters}
        onChange={changeFilters}
        label="Filter risky workload identities"
        fields={[
          { name: 'level', label: 'Risk level', options: LEVELS },
          { name: 'state', label: 'Risk state', options: STATES },
          { name: 'type', label: 'Type', options: TYPES },
        ]}
        dateLabel="Last updated"
      >
        <SearchBox
          label="Name contains"
          value={filters.search}
          onChange={(search, committed) =>
            changeFilters({ ...filters, search }, committed ? 'push' : 'typing')
          }
        />
      </FilterBar>

      <div class="toolbar">
        <fieldset class="actions bare">
          <legend class="visually-hidden">Act on the selected principals</legend>
          <span class="selected-count" aria-live="polite">
            {chosen.length === 0 ? 'None selected' : `${plural(chosen.length, 'principal')} selected`}
          </span>
          <RiskActionButtons
            count={chosen.length}
            mayChangeRisk={mayChangeRisk}
            mayDisable={mayDisable}
            onAction={setAction}
          />
        </fieldset>
        <div class="actions">
          <PageSizeSelect value={pageSize} onChange={(n) => setView({ ...view, pageSize: n }, 'push')} />
          <button
            type="button"
            onClick={() =>
              download(
                `/vigil/csv/riskyServicePrincipals${queryString({ $filter: filter, $orderby: order })}`,
                'riskyServicePrincipals.csv',
              ).catch((err: unknown) => setNotice({ kind: 'error', text: errorMessage(err) }))
            }
          >
            Download CSV
          </button>
        </div>
      </div>
      <RiskActionReasons mayChangeRisk={mayChangeRisk} mayDisable={mayDisable} roles={me.roles} />
      <NoticeSlot>{notice ? <Notice {...notice} /> : null}</NoticeSlot>

      <p class="count" aria-live="polite">
        {collection.count === null
          ? '\u00a0'
          : `${plural(collection.count, 'risky workload identity', 'risky workload identities')}`}
      </p>
      <DataTable
        caption="Risky workload identities"
        columns={columns}
        rows={collection.rows}
        rowKey={(r) => r.id}
        status={collection.status}
        error={collection.error}
        empty="No workload identity matches these filters."
        placeholderRows={Math.min(pageSize, 10)}
        sort={sort}
        onSort={onSort}
        selection={{
          isSelected: (r) => selected.has(r.id),
          toggle: (r) =>
            setSelected((s) => {
              const next = new Map(s);
              if (next.has(r.id)) next.delete(r.id);
              else next.set(r.id, r);
              return next;
            }),
          toggleAll: (rows) =>
            setSelected((s) => {
              const next = new Map(s);
              const all = rows.every((r) => next.has(r.id));
              for (const r of rows) {
                if (all) next.delete(r.id);
                else next.set(r.id, r);
              }
              return next;
            }),
          label: targetName,
        }}
      />
      <Pager collection={collection} pageSize={pageSize} noun="risky workload identities" />
      {action ? (
        <RiskActionDialog
          action={action}
          targets={chosen}
          onCancel={() => setAction(null)}
          onDone={(outcome) => {
            setNotice(outcome);
            if (outcome.kind === 'ok') setSelected(new Map());
            setAction(null);
            collection.reload();
          }}
        />
      ) : null}
    </section>
  );
}
