/** Maps offsets in a text to 1-based line numbers. */
export type LineLocator = (offset: number) => number;

/** A locator for one text: line starts are found once, then each lookup is a binary search. */
export function createLineLocator(text: string): LineLocator {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
