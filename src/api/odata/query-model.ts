/**
 * What a Graph collection lets a client query: which properties may be filtered (with which
 * operators), sorted and selected, how each maps to a SQL column, and its page sizes. Each Graph
 * resource declares one model; the OData parser and compiler check every query against it, so a
 * query can never reach a column the model does not name.
 */

/** The literal types a property compares with. */
export type ODataType = 'string' | 'guid' | 'enum' | 'dateTime' | 'int' | 'boolean';

/** Comparison and function operators a property may allow in `$filter`. */
export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'in'
  | 'startswith'
  | 'endswith'
  | 'contains';

/** A single-valued property. */
export interface ScalarProperty {
  kind: 'scalar';
  type: ODataType;
  /** Qualified SQL column, e.g. `d.risk_level`; booleans are stored as 0/1 integers. */
  column: string;
  /** Operators allowed in `$filter`; absent: the property cannot be filtered. */
  filter?: readonly FilterOperator[];
  /** Whether `$orderby` may name it. */
  sort?: boolean;
  /** The members an `enum` property accepts (a literal outside them is a 400). */
  members?: readonly string[];
  /** The column may hold NULL: sorting and paging on it then place NULLs as the dialect sorts them. */
  nullable?: boolean;
}

/**
 * A collection of primitive values, filterable with `any`/`all` lambdas. Stored either as a JSON
 * array in a text column, or as one value in a column (Graph's `signInEventTypes` of a workload
 * sign-in is the one kind it has).
 */
export interface CollectionProperty {
  kind: 'collection';
  type: ODataType;
  storage: { json: string } | { single: string };
  /** Operators allowed on the lambda variable. */
  filter: readonly FilterOperator[];
  members?: readonly string[];
}

/** A queryable Graph collection. */
export interface QueryModel {
  /** The collection's name in messages, e.g. `riskyServicePrincipals`. */
  name: string;
  /** Property paths as Graph writes them (`riskLevel`, `location/countryOrRegion`). */
  properties: Readonly<Record<string, ScalarProperty | CollectionProperty>>;
  /** The unique key: the last sort key of every order, so keyset paging is total. */
  key: { property: string; column: string };
  /** Order when `$orderby` is absent (the key is appended if missing). */
  defaultOrder: readonly { property: string; descending: boolean }[];
  /** Top-level property names `$select` accepts. */
  selectable: readonly string[];
  defaultTop: number;
  maxTop: number;
}
