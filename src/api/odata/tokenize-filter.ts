import type { Literal } from './filter-ast.ts';
import { filterSyntaxError, quoteInput } from './filter-syntax-error.ts';
import { MAX_STRING_LITERAL_LENGTH } from './query-limits.ts';

/** A token of a `$filter`; `position` is 1-based. Keywords are `word`s, matched by the parser. */
export type FilterToken =
  | { kind: '(' | ')' | ',' | ':' | '/'; text: string; position: number }
  | { kind: 'word'; text: string; position: number }
  | { kind: 'literal'; text: string; position: number; literal: Literal }
  | { kind: 'end'; text: ''; position: number };

const SPACE = /[ \t\r\n]+/y;
// OData's dateTimeOffset, plus a space where the offset's '+' was: a '+' left unencoded in a URL
// arrives as a space, and nothing else could follow a date-time there.
const DATE_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?(?:Z|[+\- ]\d{2}:\d{2})?/iy;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/iy;
const INTEGER = /-?\d+/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
// What may not touch a literal's end: anything that would make it part of a longer, other token.
const WORD_CHARACTER = /[A-Za-z0-9_.:+-]/;
// The run of characters an unreadable literal spans, to quote it whole in the message.
const JUNK = /[A-Za-z0-9_.:+-]*/y;
const PUNCTUATION = '(),:/';

function matchAt(pattern: RegExp, text: string, at: number): string | null {
  pattern.lastIndex = at;
  const m = pattern.exec(text);
  return m === null ? null : m[0];
}

/** Splits a `$filter` into tokens, ending with an `end` token; throws a 400 on malformed input. */
export function tokenizeFilter(text: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let at = 0;
  const literal = (raw: string, value: Literal) => {
    tokens.push({ kind: 'literal', text: raw, position: at + 1, literal: value });
    at += raw.length;
  };
  while (at < text.length) {
    const c = text[at]!;
    const position = at + 1;
    const space = matchAt(SPACE, text, at);
    if (space !== null) {
      at += space.length;
      continue;
    }
    if (PUNCTUATION.includes(c)) {
      tokens.push({ kind: c as '(', text: c, position });
      at += 1;
      continue;
    }
    if (c === "'") {
      const { value, end } = readString(text, at);
      literal(text.slice(at, end), { kind: 'string', value, text: text.slice(at, end), position });
      continue;
    }
    if ((c >= '0' && c <= '9') || c === '-' || /[a-fA-F]/.test(c)) {
      const dateTime = matchAt(DATE_TIME, text, at);
      const guid = dateTime === null ? matchAt(GUID, text, at) : null;
      const raw = dateTime ?? guid;
      if (raw !== null) {
        if (WORD_CHARACTER.test(text[at + raw.length] ?? ' ')) throw badLiteral(text, at);
        literal(
          raw,
          dateTime !== null
            ? { kind: 'dateTime', value: raw, text: raw, position }
            : { kind: 'guid', value: raw, text: raw, position },
        );
        continue;
      }
      const digits = c === '-' || (c >= '0' && c <= '9') ? matchAt(INTEGER, text, at) : null;
      if (digits !== null) {
        if (WORD_CHARACTER.test(text[at + digits.length] ?? ' ')) throw badLiteral(text, at);
        const value = Number(digits);
        if (!Number.isSafeInteger(value)) {
          throw filterSyntaxError(position, `the number ${quoteInput(digits)} is out of range`);
        }
        literal(digits, { kind: 'int', value, text: digits, position });
        continue;
      }
    }
    const word = matchAt(WORD, text, at);
    if (word === null) throw filterSyntaxError(position, `unexpected character ${quoteInput(c)}`);
    if (text[at + word.length] === "'") {
      // A typed literal: microsoft.graph.riskLevel'high'.
      const { value, end } = readString(text, at + word.length);
      const raw = text.slice(at, end);
      literal(raw, { kind: 'enum', typeName: word, value, text: raw, position });
      continue;
    }
    const keyword = word.toLowerCase();
    if (keyword === 'true' || keyword === 'false') {
      literal(word, { kind: 'boolean', value: keyword === 'true', text: word, position });
    } else if (keyword === 'null') {
      literal(word, { kind: 'null', text: word, position });
    } else if (word.includes('.')) {
      throw filterSyntaxError(position, `expected a quoted value after the type name ${quoteInput(word)}`);
    } else {
      tokens.push({ kind: 'word', text: word, position });
      at += word.length;
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length + 1 });
  return tokens;
}

/** Reads the quoted string starting at `start` (`''` is a quote); returns it and the index past it. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote === -1) throw filterSyntaxError(start + 1, 'the string starting here is not closed');
    value += text.slice(from, quote);
    if (value.length > MAX_STRING_LITERAL_LENGTH) {
      throw filterSyntaxError(
        start + 1,
        `the string starting here is longer than ${MAX_STRING_LITERAL_LENGTH} characters`,
      );
    }
    if (text[quote + 1] !== "'") return { value, end: quote + 1 };
    value += "'";
    from = quote + 2;
  }
}

function badLiteral(text: string, at: number) {
  return filterSyntaxError(at + 1, `${quoteInput(matchAt(JUNK, text, at) ?? '')} is not a valid value`);
}
