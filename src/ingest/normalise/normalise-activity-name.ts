/**
 * Characters that need rewriting: Unicode dashes (U+2010–U+2015, minus sign U+2212) and any white
 * space. Compiled once; tested before doing any work so clean names cost one scan.
 */
const NEEDS_WORK = /[\u2010-\u2015\u2212]|\s\s|[^\S ]|^\s|\s$/;
const DASHES = /[\u2010-\u2015\u2212]/g;
const WHITE_SPACE_RUNS = /\s+/g;

/**
 * The canonical form of an audit activity name for matching: every dash variant becomes `-`, white
 * space runs (including non-breaking spaces) become one space, edges are trimmed. Entra writes
 * `Update application – Certificates and secrets management ` (en dash, trailing space) where the
 * documentation prints a hyphen; both normalise to `Update application - Certificates and secrets management`.
 */
export function normaliseActivityName(name: string): string {
  if (!NEEDS_WORK.test(name)) return name;
  return name.replace(DASHES, '-').replace(WHITE_SPACE_RUNS, ' ').trim();
}
