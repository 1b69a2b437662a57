import { ApiError } from '../../errors/api-error.ts';
import type { ComparisonOperator, FilterNode, Literal, PropertyPath, StringFunction } from './filter-ast.ts';
import { quoteInput, showInput } from './filter-syntax-error.ts';
import type { CollectionProperty, FilterOperator, ODataType, QueryModel } from './query-model.ts';

/** A value in the form its column stores it: text (times as UTC ISO with milliseconds) or a number. */
export type SqlValue = string | number | null;

/** The escape character of every LIKE pattern in a checked filter. */
export const LIKE_ESCAPE = '!';

/**
 * A `$filter` checked against a query model: every property exists and allows its operator, and
 * every value is converted to what the column holds (GUIDs lower-case, times normalised, booleans
 * 0/1). Inside a lambda's body, `property` names the collection and stands for its element.
 */
export type CheckedFilter =
  | { kind: 'and' | 'or'; left: CheckedFilter; right: CheckedFilter }
  | { kind: 'not'; operand: CheckedFilter }
  | { kind: 'compare'; operator: ComparisonOperator; property: string; value: SqlValue }
  | { kind: 'in'; property: string; values: (string | number)[] }
  /** A case-insensitive LIKE; the pattern escapes `%`, `_` and itself with LIKE_ESCAPE. */
  | { kind: 'like'; property: string; pattern: string }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; collection: string; body: CheckedFilter | null };

/** What an operand of a comparison refers to: a scalar property, or a lambda's element. */
interface Operand {
  name: string;
  type: ODataType;
  members: readonly string[] | undefined;
}

interface Lambda {
  variable: string;
  name: string;
  property: CollectionProperty;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(?:Z|([+\- ])(\d{2}):(\d{2}))?$/i;
const EXPECTED: Record<ODataType, string> = {
  string: 'a string in single quotes',
  guid: 'a GUID',
  enum: 'one of its members',
  dateTime: 'a date and time such as 2026-11-01T00:00:00Z',
  int: 'an integer',
  boolean: 'true or false',
};

/** Checks a parsed `$filter` against the model and converts its values; throws a 400 on a mismatch. */
export function checkFilter(node: FilterNode, model: QueryModel): CheckedFilter {
  return check(node, model, null);
}

function check(node: FilterNode, model: QueryModel, lambda: Lambda | null): CheckedFilter {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        left: check(node.left, model, lambda),
        right: check(node.right, model, lambda),
      };
    case 'not':
      return { kind: 'not', operand: check(node.operand, model, lambda) };
    case 'compare': {
      const operand = resolve(node.property, node.operator, model, lambda);
      return {
        kind: 'compare',
        operator: node.operator,
        property: operand.name,
        value: storedValue(node.value, operand, node.operator),
      };
    }
    case 'in': {
      const operand = resolve(node.property, 'in', model, lambda);
      const values = node.values.map((v) => {
        if (v.kind === 'null') {
          throw new ApiError(
            'BadRequest',
            `null cannot be in an 'in' list (position ${v.position}); use 'eq null'.`,
          );
        }
        return storedValue(v, operand, 'eq') as string | number;
      });
      return { kind: 'in', property: operand.name, values };
    }
    case 'function': {
      const operand = resolve(node.property, node.name, model, lambda);
      return { kind: 'like', property: operand.name, pattern: likePattern(node.name, node.value, operand) };
    }
    case 'lambda': {
      if (lambda !== null) throw new ApiError('BadRequest', 'A lambda cannot be nested in another lambda.');
      const name = node.collection.path;
      const property = Object.hasOwn(model.properties, name) ? model.properties[name] : undefined;
      if (property?.kind !== 'collection') {
        throw new ApiError(
          'BadRequest',
          `'${name}' (position ${node.collection.position}) is not a collection that $filter can use with any or all on ${model.name}.${collectionsOf(model)}`,
        );
      }
      const body =
        node.body === null || node.variable === null
          ? null
          : check(node.body, model, { variable: node.variable, name, property });
      return { kind: 'lambda', quantifier: node.quantifier, collection: name, body };
    }
  }
}

/** Finds what a property path names and checks that it allows the operator. */
function resolve(
  path: PropertyPath,
  operator: FilterOperator,
  model: QueryModel,
  lambda: Lambda | null,
): Operand {
  if (lambda !== null) {
    if (path.path !== lambda.variable) {
      throw new ApiError(
        'BadRequest',
        `Inside ${lambda.name}/any(…) and ${lambda.name}/all(…) only the lambda variable '${lambda.variable}' can be used; found ${quoteInput(path.path)} at position ${path.position}.`,
      );
    }
    allow(lambda.property.filter, operator, `the elements of '${lambda.name}'`);
    return { name: lambda.name, type: lambda.property.type, members: lambda.property.members };
  }
  const property = Object.hasOwn(model.properties, path.path) ? model.properties[path.path] : undefined;
  if (property?.kind === 'collection') {
    throw new ApiError(
      'BadRequest',
      `'${path.path}' is a collection: filter it with a lambda, e.g. ${path.path}/any(x: x eq …).`,
    );
  }
  if (property?.filter === undefined) {
    const filterable = Object.entries(model.properties)
      .filter(([, p]) => p.kind === 'scalar' && p.filter !== undefined)
      .map(([name]) => name);
    throw new ApiError(
      'BadRequest',
      `The property ${quoteInput(path.path)} (position ${path.position}) cannot be used in $filter on ${model.name}. Filterable properties: ${filterable.join(', ')}.${collectionsOf(model)}`,
    );
  }
  allow(property.filter, operator, `'${path.path}'`);
  return { name: path.path, type: property.type, members: property.members };
}

function allow(allowed: readonly FilterOperator[], operator: FilterOperator, what: string): void {
  if (!allowed.includes(operator)) {
    throw new ApiError(
      'BadRequest',
      `The operator '${operator}' cannot be used with ${what}. Allowed: ${allowed.join(', ')}.`,
    );
  }
}

function collectionsOf(model: QueryModel): string {
  const names = Object.entries(model.properties)
    .filter(([, p]) => p.kind === 'collection')
    .map(([name]) => name);
  return names.length === 0 ? '' : ` Collections (with any/all): ${names.join(', ')}.`;
}

/** Converts a literal to the stored form of the operand's type, or throws a 400 naming both. */
function storedValue(literal: Literal, operand: Operand, operator: ComparisonOperator): SqlValue {
  if (literal.kind === 'null') {
    if (operator === 'eq' || operator === 'ne') return null;
    throw new ApiError(
      'BadRequest',
      `null can only be compared with 'eq' or 'ne' (position ${literal.position}).`,
    );
  }
  switch (operand.type) {
    case 'string':
      if (literal.kind === 'string') return literal.value;
      break;
    case 'guid':
      if ((literal.kind === 'guid' || literal.kind === 'string') && GUID.test(literal.value)) {
        return literal.value.toLowerCase();
      }
      break;
    case 'enum':
      if (literal.kind === 'string' || literal.kind === 'enum') {
        if (operand.members === undefined) return literal.value;
        // Members match case-insensitively and are stored as the model spells them.
        const wanted = literal.value.toLowerCase();
        const member = operand.members.find((m) => m.toLowerCase() === wanted);
        if (member !== undefined) return member;
      }
      break;
    case 'dateTime':
      if (literal.kind === 'dateTime' || literal.kind === 'string') {
        const stored = storedDateTime(literal.value, operator);
        if (stored !== null) return stored;
      }
      break;
    case 'int':
      if (literal.kind === 'int') return literal.value;
      break;
    case 'boolean':
      if (literal.kind === 'boolean') return literal.value ? 1 : 0;
      break;
  }
  const expected =
    operand.type === 'enum' && operand.members !== undefined
      ? `one of ${operand.members.map((m) => `'${m}'`).join(', ')}`
      : EXPECTED[operand.type];
  throw new ApiError(
    'BadRequest',
    `The value ${showInput(literal.text)} at position ${literal.position} does not fit '${operand.name}': expected ${expected}.`,
  );
}

/**
 * A date-time literal as stored text (UTC, milliseconds). Stored times have millisecond grain, so
 * a literal finer than that is rounded the way that keeps the comparison exact: down for `gt` and
 * `le`, up for `ge` and `lt`, and kept whole for `eq`/`ne`, where it then equals no stored time.
 */
function storedDateTime(text: string, operator: ComparisonOperator): string | null {
  const m = DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ?? '';
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (Number(m[9] ?? 0) > 23 || Number(m[10] ?? 0) > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute - offset, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  const finer = fraction.slice(3).replace(/0+$/, '');
  if (finer === '' || operator === 'gt' || operator === 'le') return date.toISOString();
  if (operator === 'ge' || operator === 'lt') return new Date(date.getTime() + 1).toISOString();
  return `${date.toISOString().slice(0, -1)}${finer}Z`;
}

function likePattern(name: StringFunction, literal: Literal, operand: Operand): string {
  if (literal.kind !== 'string' || !['string', 'guid', 'enum'].includes(operand.type)) {
    throw new ApiError(
      'BadRequest',
      `${name}() takes a string property and a string in single quotes; found ${showInput(literal.text)} at position ${literal.position} for '${operand.name}'.`,
    );
  }
  const value = operand.type === 'guid' ? literal.value.toLowerCase() : literal.value;
  const escaped = value.replace(/[!%_]/g, (c) => `${LIKE_ESCAPE}${c}`);
  if (name === 'startswith') return `${escaped}%`;
  if (name === 'endswith') return `%${escaped}`;
  return `%${escaped}%`;
}
