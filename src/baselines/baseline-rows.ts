// A store keeps a baseline as one row per (property, value), so that learning a batch of sign-ins
// updates the rows it touched instead of rewriting a document per principal; the totals travel
// beside the rows as SignInBaselineMeta.

import {
  BASELINE_PROPERTIES,
  type BaselineProperty,
  createSignInBaseline,
  rankBaseline,
  type SignInBaseline,
  type SignInBaselineMeta,
  type SignInBaselineOptions,
} from './sign-in-baseline.ts';

/** One value of one property of a baseline, as a store row. */
export interface BaselineRow {
  property: BaselineProperty;
  value: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

const KNOWN_PROPERTIES: ReadonlySet<string> = new Set(BASELINE_PROPERTIES);

/** The rows of a baseline, property by property in BASELINE_PROPERTIES order; totals are its meta fields. */
export function baselineToRows(baseline: SignInBaseline): BaselineRow[] {
  const rows: BaselineRow[] = [];
  for (const property of BASELINE_PROPERTIES) {
    for (const entry of baseline.properties[property].values.values()) {
      rows.push({
        property,
        value: entry.value,
        firstSeen: entry.firstSeen,
        lastSeen: entry.lastSeen,
        count: entry.count,
      });
    }
  }
  return rows;
}

/**
 * A baseline from stored rows and totals, ranked as if it had been learned. Rows of a property this
 * version does not know are skipped: they were written by a newer version and mean nothing here.
 */
export function baselineFromRows(
  rows: Iterable<{ property: string; value: string; firstSeen: string; lastSeen: string; count: number }>,
  meta: SignInBaselineMeta,
  options: SignInBaselineOptions = {},
): SignInBaseline {
  const baseline = createSignInBaseline(options);
  for (const row of rows) {
    if (!KNOWN_PROPERTIES.has(row.property)) continue;
    baseline.properties[row.property as BaselineProperty].values.set(row.value, {
      value: row.value,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      count: row.count,
      rank: -1,
      changed: false,
    });
  }
  baseline.firstSignInAt = meta.firstSignInAt;
  baseline.lastSignInAt = meta.lastSignInAt;
  baseline.successfulSignIns = meta.successfulSignIns;
  rankBaseline(baseline);
  return baseline;
}
