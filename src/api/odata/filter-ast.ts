// The syntax tree of a `$filter`, as written: property paths are names, literals keep their kind.
// Positions are 1-based character offsets into the `$filter` text, for error messages.

/** The comparison operators of `$filter`. */
export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** The string functions `$filter` supports. */
export type StringFunction = 'startswith' | 'endswith' | 'contains';

/** A property path (`riskLevel`, `location/countryOrRegion`) or a lambda variable. */
export interface PropertyPath {
  path: string;
  position: number;
}

/** A literal value; `text` is how it was written, for messages. */
export type Literal = { text: string; position: number } & (
  | { kind: 'string'; value: string }
  | { kind: 'enum'; typeName: string; value: string }
  | { kind: 'guid'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'dateTime'; value: string }
  | { kind: 'null' }
);

/** A node of the `$filter` syntax tree. */
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; operator: ComparisonOperator; property: PropertyPath; value: Literal }
  | { kind: 'in'; property: PropertyPath; values: Literal[] }
  | { kind: 'function'; name: StringFunction; property: PropertyPath; value: Literal }
  | {
      kind: 'lambda';
      quantifier: 'any' | 'all';
      collection: PropertyPath;
      /** The lambda variable; null for `any()`, which asks whether the collection is non-empty. */
      variable: string | null;
      body: FilterNode | null;
    };
