// Bounds on what one request may ask of the OData layer. Each keeps a hostile query cheap to
// reject and cheap to run: parsing is linear in the input, and the SQL stays small.

/** Longest `$filter` accepted, in characters. */
export const MAX_FILTER_LENGTH = 4096;

/** Deepest nesting of parentheses, `not` and lambdas in a `$filter`. */
export const MAX_FILTER_DEPTH = 32;

/** Most comparisons, `in` lists, functions and lambdas in one `$filter`. */
export const MAX_FILTER_COMPARISONS = 100;

/** Longest string literal in a `$filter`, in characters after unescaping. */
export const MAX_STRING_LITERAL_LENGTH = 1024;

/** Most values in one `in (…)` list. */
export const MAX_IN_LIST_LENGTH = 100;

/** Most keys in `$orderby` (the collection's key is appended to them). */
export const MAX_ORDERBY_KEYS = 5;

/** Longest `$skiptoken` accepted, in characters. */
export const MAX_SKIP_TOKEN_LENGTH = 8192;
