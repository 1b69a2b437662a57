// A recursive-descent reader of the STIX 2.1 patterning grammar that answers one question: which
// addresses would, each on its own, satisfy the pattern? The whole pattern is parsed (so a malformed
// one is rejected, not half-read), but only pure disjunctions of address equality yield addresses:
// `[ipv4-addr:value = 'a'] OR [ipv4-addr:value IN ('b', 'c')]` matches a sign-in from a, b or c,
// whereas `[ipv4-addr:value = 'a'] AND [file:name = 'x']`, a negation, or a WITHIN / REPEATS /
// START-STOP qualifier needs more than one sign-in address to hold, so those branches yield nothing.
// An address branch beside unrelated OR branches (a domain name, a file hash) still stands on its own.

import { parseCidr } from '../parse-cidr.ts';
import { type StixToken, tokenizeStixPattern } from './tokenize-stix-pattern.ts';

/** An address or CIDR block named by an `ipv4-addr:value` or `ipv6-addr:value` test. */
export interface StixPatternAddress {
  objectType: 'ipv4-addr' | 'ipv6-addr';
  value: string;
}

/**
 * What a pattern says about addresses: the addresses that each satisfy it alone; none (the pattern is
 * about something else, or combines its address tests so that no single address suffices); or why
 * the pattern is not valid STIX.
 */
export type StixPatternAddresses =
  | { kind: 'addresses'; addresses: StixPatternAddress[] }
  | { kind: 'none'; reason: string }
  | { kind: 'invalid'; reason: string };

/** Parentheses and brackets nest at most this deep; real patterns use two or three levels. */
export const MAX_STIX_PATTERN_DEPTH = 32;

class PatternError extends Error {}

const COMPARISON_OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

// How error messages name the tokens that are not punctuation.
const DESCRIPTIONS: Partial<Record<StixToken['kind'], string>> = {
  word: 'a name',
  string: 'a quoted string',
  number: 'a number',
  typed: "a timestamp (t'…')",
};

/** Reads the addresses that each satisfy a STIX 2.1 pattern on their own. Never throws. */
export function readStixPatternAddresses(pattern: string): StixPatternAddresses {
  const scanned = tokenizeStixPattern(pattern);
  if ('error' in scanned) return { kind: 'invalid', reason: scanned.error };
  const reader = new PatternReader(scanned.tokens);
  let found: StixPatternAddress[];
  try {
    found = reader.read();
  } catch (error) {
    if (error instanceof PatternError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
  if (found.length === 0) {
    return {
      kind: 'none',
      reason: reader.sawAddressTest
        ? 'its address tests hold only together with other conditions (AND, NOT, FOLLOWEDBY or a qualifier)'
        : 'it tests no ipv4-addr or ipv6-addr value',
    };
  }
  const seen = new Set<string>();
  const addresses: StixPatternAddress[] = [];
  for (const address of found) {
    const range = parseCidr(address.value);
    // The object type must agree with the address: an IPv6 literal under ipv4-addr is a broken feed.
    const isIpv6Text = address.value.includes(':');
    if (range === null || isIpv6Text !== (address.objectType === 'ipv6-addr')) {
      return {
        kind: 'invalid',
        reason: `${JSON.stringify(address.value)} is not an ${address.objectType === 'ipv4-addr' ? 'IPv4' : 'IPv6'} address or CIDR block`,
      };
    }
    const key = `${address.objectType} ${address.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    addresses.push(address);
  }
  return { kind: 'addresses', addresses };
}

// Each rule returns the addresses that satisfy its part of the pattern on their own; [] for none.
class PatternReader {
  sawAddressTest = false;
  readonly #tokens: StixToken[];
  #pos = 0;
  #depth = 0;

  constructor(tokens: StixToken[]) {
    this.#tokens = tokens;
  }

  read(): StixPatternAddress[] {
    if (this.#tokens.length === 0) throw new PatternError('pattern is empty');
    const found = this.#observationExpressions();
    const extra = this.#tokens[this.#pos];
    if (extra) throw new PatternError(`unexpected ${JSON.stringify(extra.text)} at ${extra.at}`);
    return found;
  }

  #observationExpressions(): StixPatternAddress[] {
    const first = this.#observationOr();
    if (!this.#isWord('FOLLOWEDBY')) return first;
    while (this.#acceptWord('FOLLOWEDBY')) this.#observationOr();
    return [];
  }

  #observationOr(): StixPatternAddress[] {
    const found = this.#observationAnd();
    while (this.#acceptWord('OR')) found.push(...this.#observationAnd());
    return found;
  }

  #observationAnd(): StixPatternAddress[] {
    const first = this.#qualifiedObservation();
    if (!this.#isWord('AND')) return first;
    while (this.#acceptWord('AND')) this.#qualifiedObservation();
    return [];
  }

  #qualifiedObservation(): StixPatternAddress[] {
    let found = this.#observation();
    for (;;) {
      if (this.#acceptWord('WITHIN')) {
        this.#expect('number');
        this.#expectWord('SECONDS');
      } else if (this.#acceptWord('REPEATS')) {
        this.#expect('number');
        this.#expectWord('TIMES');
      } else if (this.#acceptWord('START')) {
        this.#expect('typed');
        this.#expectWord('STOP');
        this.#expect('typed');
      } else {
        return found;
      }
      found = [];
    }
  }

  #observation(): StixPatternAddress[] {
    if (this.#accept('[')) {
      this.#enter();
      const found = this.#comparisonOr();
      this.#expect(']');
      this.#depth--;
      return found;
    }
    if (this.#accept('(')) {
      this.#enter();
      const found = this.#observationExpressions();
      this.#expect(')');
      this.#depth--;
      return found;
    }
    throw this.#unexpected('an observation ([…] or (…))');
  }

  #comparisonOr(): StixPatternAddress[] {
    const found = this.#comparisonAnd();
    while (this.#acceptWord('OR')) found.push(...this.#comparisonAnd());
    return found;
  }

  #comparisonAnd(): StixPatternAddress[] {
    const first = this.#propertyTest();
    if (!this.#isWord('AND')) return first;
    while (this.#acceptWord('AND')) this.#propertyTest();
    return [];
  }

  #propertyTest(): StixPatternAddress[] {
    if (this.#accept('(')) {
      this.#enter();
      const found = this.#comparisonOr();
      this.#expect(')');
      this.#depth--;
      return found;
    }
    if (this.#acceptWord('EXISTS')) {
      this.#objectPath();
      return [];
    }
    const objectType = this.#objectPath();
    if (objectType !== null) this.sawAddressTest = true;
    const negated = this.#acceptWord('NOT');
    const operator = this.#tokens[this.#pos];
    if (operator?.kind === 'op' && COMPARISON_OPERATORS.has(operator.text)) {
      this.#pos++;
      const literal = this.#literal();
      const sufficient =
        objectType !== null && !negated && operator.text === '=' && literal.kind === 'string';
      return sufficient ? [{ objectType, value: literal.text }] : [];
    }
    if (this.#acceptWord('IN')) {
      const set = this.#setLiteral();
      if (objectType === null || negated || set.some((item) => item.kind !== 'string')) return [];
      return set.map((item) => ({ objectType, value: item.text }));
    }
    if (this.#acceptWord('ISSUBSET')) {
      // `value ISSUBSET '203.0.113.0/24'` is STIX's own way to say "an address in this block".
      const block = this.#expect('string');
      return objectType !== null && !negated ? [{ objectType, value: block.text }] : [];
    }
    if (this.#acceptWord('ISSUPERSET') || this.#acceptWord('LIKE') || this.#acceptWord('MATCHES')) {
      this.#expect('string');
      return [];
    }
    throw this.#unexpected('a comparison operator');
  }

  // Reads `type:property(.sub|[n]|[*])*`; returns the address object type when the path is exactly
  // `ipv4-addr:value` or `ipv6-addr:value`, the only paths that name the address itself.
  #objectPath(): 'ipv4-addr' | 'ipv6-addr' | null {
    const type = this.#expect('word');
    this.#expect(':');
    const first = this.#tokens[this.#pos];
    if (first?.kind !== 'word' && first?.kind !== 'string') throw this.#unexpected('a property name');
    this.#pos++;
    let components = 1;
    for (;;) {
      if (this.#accept('.')) {
        const next = this.#tokens[this.#pos];
        if (next?.kind !== 'word' && next?.kind !== 'string') throw this.#unexpected('a property name');
        this.#pos++;
      } else if (this.#accept('[')) {
        if (!this.#accept('*')) this.#expect('number');
        this.#expect(']');
      } else {
        break;
      }
      components++;
    }
    if (components !== 1 || first.text !== 'value') return null;
    return type.text === 'ipv4-addr' || type.text === 'ipv6-addr' ? type.text : null;
  }

  #literal(): StixToken {
    const token = this.#tokens[this.#pos];
    const isLiteral =
      token !== undefined &&
      (token.kind === 'string' ||
        token.kind === 'number' ||
        token.kind === 'typed' ||
        (token.kind === 'word' && (token.text === 'true' || token.text === 'false')));
    if (!isLiteral) throw this.#unexpected('a literal');
    this.#pos++;
    return token;
  }

  #setLiteral(): StixToken[] {
    this.#expect('(');
    const items: StixToken[] = [];
    if (this.#accept(')')) return items;
    do items.push(this.#literal());
    while (this.#accept(','));
    this.#expect(')');
    return items;
  }

  #enter(): void {
    this.#depth++;
    if (this.#depth > MAX_STIX_PATTERN_DEPTH) {
      throw new PatternError(`pattern nests deeper than ${MAX_STIX_PATTERN_DEPTH} levels`);
    }
  }

  #accept(kind: StixToken['kind']): boolean {
    if (this.#tokens[this.#pos]?.kind !== kind) return false;
    this.#pos++;
    return true;
  }

  #expect(kind: StixToken['kind']): StixToken {
    const token = this.#tokens[this.#pos];
    if (token?.kind !== kind) throw this.#unexpected(DESCRIPTIONS[kind] ?? `'${kind}'`);
    this.#pos++;
    return token;
  }

  // Keywords are upper case in the STIX grammar, so a lower-case `and` is a syntax error.
  #isWord(word: string): boolean {
    const token = this.#tokens[this.#pos];
    return token?.kind === 'word' && token.text === word;
  }

  #acceptWord(word: string): boolean {
    if (!this.#isWord(word)) return false;
    this.#pos++;
    return true;
  }

  #expectWord(word: string): void {
    if (!this.#acceptWord(word)) throw this.#unexpected(word);
  }

  #unexpected(wanted: string): PatternError {
    const token = this.#tokens[this.#pos];
    return new PatternError(
      token === undefined
        ? `pattern ends where ${wanted} was expected`
        : `expected ${wanted} but found ${JSON.stringify(token.text)} at ${token.at}`,
    );
  }
}
