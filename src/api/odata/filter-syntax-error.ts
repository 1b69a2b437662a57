import { ApiError } from '../../errors/api-error.ts';

const SHOWN_CHARACTERS = 40;

/** A 400 for a malformed `$filter`, pointing at the 1-based `position` it went wrong. */
export function filterSyntaxError(position: number, detail: string): ApiError {
  return new ApiError('BadRequest', `Syntax error in $filter at position ${position}: ${detail}.`);
}

/** Quotes a piece of client input for a message (see showInput). */
export function quoteInput(text: string): string {
  return `'${showInput(text)}'`;
}

/**
 * Client input as a message shows it: shortened, with control and non-ASCII characters escaped,
 * so a hostile input cannot make the error itself large or unreadable.
 */
export function showInput(text: string): string {
  const shown = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text;
  return shown.replace(/[^\x20-\x7e…]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
