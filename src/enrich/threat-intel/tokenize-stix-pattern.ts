// STIX patterns arrive from feeds we do not control, so they are read by a hand-written scanner over
// char codes: one pass, no regular expressions that could backtrack, no eval, and a length cap that
// bounds both time and the number of tokens before any work is done.

/** Patterns longer than this (10 KB) are rejected unread; real IP indicators are a few hundred bytes. */
export const MAX_STIX_PATTERN_LENGTH = 10 * 1024;

/** The kinds of token in a STIX pattern. */
export type StixTokenKind =
  | '['
  | ']'
  | '('
  | ')'
  | ','
  | ':'
  | '.'
  | '*'
  | 'op'
  | 'string'
  | 'typed'
  | 'number'
  | 'word';

/** One token; `text` is the unescaped content for strings, the operator or word otherwise. */
export interface StixToken {
  kind: StixTokenKind;
  text: string;
  /** Offset in the pattern, for error messages. */
  at: number;
}

/** Tokens of a pattern, or why it could not be scanned. */
export type StixTokens = { tokens: StixToken[] } | { error: string };

// Single-character tokens, by char code.
const PUNCTUATION = new Map<number, StixTokenKind>(
  (['[', ']', '(', ')', ',', ':', '.', '*'] as const).map((kind) => [kind.charCodeAt(0), kind]),
);

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isWordStart = (c: number) => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x5f;
const isWordPart = (c: number) => isWordStart(c) || isDigit(c) || c === 0x2d;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Splits a STIX 2.1 pattern into tokens: brackets, parentheses, `,` `:` `.` `*`, comparison operators,
 * quoted strings (with `\'` and `\\` escapes), typed literals (`t'…'`, `h'…'`, `b'…'`), numbers and
 * words (object types, property names, keywords). Never throws.
 */
export function tokenizeStixPattern(pattern: string): StixTokens {
  if (pattern.length > MAX_STIX_PATTERN_LENGTH) {
    return { error: `pattern is ${pattern.length} characters, over the ${MAX_STIX_PATTERN_LENGTH} limit` };
  }
  const tokens: StixToken[] = [];
  const length = pattern.length;
  let i = 0;
  while (i < length) {
    const c = pattern.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const punctuation = PUNCTUATION.get(c);
    if (punctuation !== undefined) {
      tokens.push({ kind: punctuation, text: pattern[i]!, at: i });
      i++;
      continue;
    }
    if (c === 0x27) {
      const string = readString(pattern, i);
      if ('error' in string) return string;
      tokens.push({ kind: 'string', text: string.text, at: i });
      i = string.end;
      continue;
    }
    if (c === 0x3d || c === 0x21 || c === 0x3c || c === 0x3e) {
      // `!=`, `<=`, `>=` take the following `=`; a lone `!` is not an operator.
      const width = c !== 0x3d && pattern.charCodeAt(i + 1) === 0x3d ? 2 : 1;
      if (c === 0x21 && width === 1) return { error: `unexpected '!' at ${i}` };
      tokens.push({ kind: 'op', text: pattern.slice(i, i + width), at: i });
      i += width;
      continue;
    }
    if (isDigit(c) || (c === 0x2d && isDigit(pattern.charCodeAt(i + 1)))) {
      let end = i + 1;
      while (end < length && isDigit(pattern.charCodeAt(end))) end++;
      if (pattern.charCodeAt(end) === 0x2e && isDigit(pattern.charCodeAt(end + 1))) {
        end += 2;
        while (end < length && isDigit(pattern.charCodeAt(end))) end++;
      }
      tokens.push({ kind: 'number', text: pattern.slice(i, end), at: i });
      i = end;
      continue;
    }
    if (isWordStart(c)) {
      let end = i + 1;
      while (end < length && isWordPart(pattern.charCodeAt(end))) end++;
      const word = pattern.slice(i, end);
      if (
        end - i === 1 &&
        (word === 't' || word === 'h' || word === 'b') &&
        pattern.charCodeAt(end) === 0x27
      ) {
        const string = readString(pattern, end);
        if ('error' in string) return string;
        tokens.push({ kind: 'typed', text: `${word}'${string.text}'`, at: i });
        i = string.end;
        continue;
      }
      tokens.push({ kind: 'word', text: word, at: i });
      i = end;
      continue;
    }
    return { error: `unexpected character ${JSON.stringify(pattern[i])} at ${i}` };
  }
  return { tokens };
}

// Reads the quoted string opening at `start`; STIX escapes only the quote and the backslash.
function readString(pattern: string, start: number): { text: string; end: number } | { error: string } {
  let text = '';
  let from = start + 1;
  for (let i = start + 1; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x27) return { text: text + pattern.slice(from, i), end: i + 1 };
    if (c === 0x5c) {
      const next = pattern.charCodeAt(i + 1);
      if (next !== 0x27 && next !== 0x5c) return { error: `invalid escape at ${i}` };
      text += pattern.slice(from, i) + pattern[i + 1];
      i++;
      from = i + 1;
    }
  }
  return { error: `unterminated string starting at ${start}` };
}
