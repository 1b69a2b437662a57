import { ApiError } from '../../errors/api-error.ts';
import type { ComparisonOperator, FilterNode, Literal, PropertyPath, StringFunction } from './filter-ast.ts';
import { filterSyntaxError, quoteInput } from './filter-syntax-error.ts';
import {
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  MAX_IN_LIST_LENGTH,
} from './query-limits.ts';
import { type FilterToken, tokenizeFilter } from './tokenize-filter.ts';

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set<string>(['startswith', 'endswith', 'contains']);
// `'x' lt p` reads as `p gt 'x'`.
const MIRRORED: Record<ComparisonOperator, ComparisonOperator> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'lt',
  ge: 'le',
  lt: 'gt',
  le: 'ge',
};

/**
 * Parses an OData `$filter` into its syntax tree. Precedence, loosest first: `or`, `and`, `not`,
 * then comparisons; `not` applies to the comparison or parenthesised expression after it. Keywords
 * are case-insensitive, property names are not. Throws a 400 saying what and where on bad input,
 * and on input beyond the limits in `query-limits.ts`.
 */
export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new ApiError('BadRequest', `The $filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  }
  if (text.trim() === '') throw new ApiError('BadRequest', 'The $filter is empty.');
  return new FilterParser(tokenizeFilter(text)).parse();
}

class FilterParser {
  private at = 0;
  private depth = 0;
  private comparisons = 0;
  private inLambda = false;

  constructor(private readonly tokens: FilterToken[]) {}

  parse(): FilterNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next, "'and', 'or' or the end of the filter");
    return node;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.at++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.at++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.at++;
      return this.nested(token, () => ({ kind: 'not', operand: this.parseUnary() }));
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterNode {
    const token = this.next();
    if (token.kind === '(') {
      const node = this.nested(token, () => this.parseOr());
      this.expect(')');
      return node;
    }
    if (token.kind === 'word' && this.peek().kind === '(') {
      if (!FUNCTIONS.has(token.text.toLowerCase())) {
        throw filterSyntaxError(
          token.position,
          `the function ${quoteInput(token.text)} is not supported (supported: startswith, endswith, contains)`,
        );
      }
      return this.parseFunction(token);
    }
    if (token.kind === 'word') {
      const path = this.parsePath(token);
      if (path.lambda !== null) return path.lambda;
      return this.parseComparison(path.property);
    }
    if (token.kind === 'literal') {
      // A literal first: `'high' eq riskLevel`.
      const operator = this.next();
      const op = operator.kind === 'word' ? operator.text.toLowerCase() : '';
      if (!COMPARISONS.has(op)) throw this.unexpected(operator, 'a comparison operator');
      const property = this.next();
      if (property.kind !== 'word') throw this.unexpected(property, 'a property');
      const path = this.parsePath(property);
      if (path.lambda !== null) throw this.unexpected(property, 'a property');
      return this.comparison(MIRRORED[op as ComparisonOperator], path.property, token.literal);
    }
    throw this.unexpected(token, "a property, a function or '('");
  }

  /** A property path; when it ends in `/any(…)` or `/all(…)`, the lambda it starts. */
  private parsePath(first: FilterToken): { property: PropertyPath; lambda: FilterNode | null } {
    let path = first.text;
    while (this.peek().kind === '/') {
      this.at++;
      const segment = this.next();
      if (segment.kind !== 'word') throw this.unexpected(segment, 'a property name');
      const quantifier = segment.text.toLowerCase();
      if ((quantifier === 'any' || quantifier === 'all') && this.peek().kind === '(') {
        return {
          property: { path, position: first.position },
          lambda: this.parseLambda(quantifier, { path, position: first.position }, segment),
        };
      }
      path += `/${segment.text}`;
    }
    return { property: { path, position: first.position }, lambda: null };
  }

  private parseLambda(quantifier: 'any' | 'all', collection: PropertyPath, start: FilterToken): FilterNode {
    if (this.inLambda) {
      throw filterSyntaxError(start.position, 'a lambda cannot be nested in another lambda');
    }
    this.count(start.position);
    this.expect('(');
    if (this.peek().kind === ')') {
      this.at++;
      if (quantifier === 'all') throw filterSyntaxError(start.position, "'all' needs a condition");
      return { kind: 'lambda', quantifier, collection, variable: null, body: null };
    }
    const variable = this.next();
    if (variable.kind !== 'word') throw this.unexpected(variable, 'a lambda variable name');
    this.expect(':');
    this.inLambda = true;
    const body = this.nested(start, () => this.parseOr());
    this.inLambda = false;
    this.expect(')');
    return { kind: 'lambda', quantifier, collection, variable: variable.text, body };
  }

  private parseComparison(property: PropertyPath): FilterNode {
    const operator = this.next();
    const op = operator.kind === 'word' ? operator.text.toLowerCase() : '';
    if (COMPARISONS.has(op)) return this.comparison(op as ComparisonOperator, property, this.literal());
    if (op !== 'in') throw this.unexpected(operator, "a comparison operator ('eq', 'ne', 'gt', …) or 'in'");
    this.count(operator.position);
    this.expect('(');
    const values: Literal[] = [this.literal()];
    while (this.peek().kind === ',') {
      this.at++;
      if (values.length === MAX_IN_LIST_LENGTH) {
        throw filterSyntaxError(
          operator.position,
          `an 'in' list may hold at most ${MAX_IN_LIST_LENGTH} values`,
        );
      }
      values.push(this.literal());
    }
    this.expect(')');
    return { kind: 'in', property, values };
  }

  private parseFunction(nameToken: FilterToken): FilterNode {
    this.count(nameToken.position);
    this.expect('(');
    const first = this.next();
    if (first.kind !== 'word') throw this.unexpected(first, 'a property');
    const path = this.parsePath(first);
    if (path.lambda !== null) throw this.unexpected(first, 'a property');
    this.expect(',');
    const value = this.literal();
    this.expect(')');
    const node: FilterNode = {
      kind: 'function',
      name: nameToken.text.toLowerCase() as StringFunction,
      property: path.property,
      value,
    };
    // `startswith(p,'x') eq true` is how some clients write the bare call.
    const operator = this.peek();
    const op = operator.kind === 'word' ? operator.text.toLowerCase() : '';
    if (op !== 'eq' && op !== 'ne') return node;
    this.at++;
    const truth = this.next();
    if (truth.kind !== 'literal' || truth.literal.kind !== 'boolean')
      throw this.unexpected(truth, 'true or false');
    return truth.literal.value === (op === 'eq') ? node : { kind: 'not', operand: node };
  }

  private comparison(operator: ComparisonOperator, property: PropertyPath, value: Literal): FilterNode {
    this.count(property.position);
    return { kind: 'compare', operator, property, value };
  }

  private literal(): Literal {
    const token = this.next();
    if (token.kind === 'literal') return token.literal;
    throw this.unexpected(token, 'a value');
  }

  /** Runs `parse` one level deeper, refusing input nested beyond the limit. */
  private nested<T>(token: FilterToken, parse: () => T): T {
    if (++this.depth > MAX_FILTER_DEPTH) {
      throw filterSyntaxError(
        token.position,
        `the filter is nested more than ${MAX_FILTER_DEPTH} levels deep`,
      );
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private count(position: number): void {
    if (++this.comparisons > MAX_FILTER_COMPARISONS) {
      throw filterSyntaxError(
        position,
        `the filter has more than ${MAX_FILTER_COMPARISONS} comparisons, functions and lambdas`,
      );
    }
  }

  private peek(): FilterToken {
    return this.tokens[this.at]!;
  }

  private next(): FilterToken {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private expect(kind: FilterToken['kind']): void {
    const token = this.next();
    if (token.kind !== kind) throw this.unexpected(token, `'${kind}'`);
  }

  private isKeyword(token: FilterToken, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private unexpected(token: FilterToken, expected: string): ApiError {
    const found = token.kind === 'end' ? 'the end of the filter' : quoteInput(token.text);
    return filterSyntaxError(token.position, `expected ${expected} but found ${found}`);
  }
}
