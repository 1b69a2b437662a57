import type { OffensiveToolAgent } from './offensive-tool-agents.ts';

/** Which tool a user agent names, and the text that named it. */
export interface OffensiveToolMatch {
  tool: OffensiveToolAgent;
  matched: string;
}

// User agents are attacker-controlled text: only their start is looked at.
const MAX_LENGTH = 1024;
const WORD_SEPARATORS = /[^A-Za-z0-9_-]+/;
const PRODUCT_TOKENS = /([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)/g;

function normaliseWord(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

/**
 * A matcher over the tools' names. A user agent is cut into words at everything but letters, digits,
 * `-` and `_` (so `azurehound/v2.1.0`, `(compatible; AADInternals)` and `TokenTactics-V2` give the
 * words `azurehound`, `AADInternals`, `TokenTactics-V2`), and a tool matches only a whole word:
 * `graph-runner-service` or `roadrunner` name no tool. Tools with a fixed agent match when all its
 * product tokens are present.
 */
export function createOffensiveToolMatcher(
  tools: readonly OffensiveToolAgent[],
): (userAgent: string) => OffensiveToolMatch | null {
  const byWord = new Map<string, OffensiveToolAgent>();
  for (const tool of tools) for (const name of tool.names) byWord.set(normaliseWord(name), tool);
  const fixed = tools.flatMap((tool) =>
    tool.products && tool.products.length > 0
      ? [{ tool, products: tool.products.map((p) => p.toLowerCase()) }]
      : [],
  );
  return (userAgent) => {
    const text = userAgent.length > MAX_LENGTH ? userAgent.slice(0, MAX_LENGTH) : userAgent;
    for (const word of text.split(WORD_SEPARATORS)) {
      if (word === '') continue;
      const tool = byWord.get(normaliseWord(word));
      if (tool) return { tool, matched: word };
    }
    if (fixed.length > 0) {
      const tokens = new Set<string>();
      for (const m of text.matchAll(PRODUCT_TOKENS)) tokens.add(m[0].toLowerCase());
      for (const f of fixed) {
        if (f.products.every((p) => tokens.has(p)))
          return { tool: f.tool, matched: f.tool.products!.join(' ') };
      }
    }
    return null;
  };
}
