/** Days per month in a common year; February gains a day in leap years. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 400 Gregorian years, in milliseconds: the calendar repeats exactly after this span. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/** `M/D/YYYY[,] h:mm[:ss[.fff]] [AM|PM]`, as US-locale Azure exports write times (always UTC). */
const US_LOCALE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AaPp][Mm])?$/;

/** Reads `count` ASCII digits at `start` as a number, or -1 when any of them is not a digit. */
function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether the calendar date exists (rejects 2023-02-29, 2024-04-31, month 13, day 0). */
function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const max = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= max;
}

/** `YYYY-MM-DDTHH:MM:SS.fffZ` for a UTC instant; null when outside years 0001–9999. */
function fromUtcParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offsetMin: number,
): string | null {
  // Date.UTC maps years 0–99 to 1900–1999; shifting by one 400-year cycle keeps the arithmetic exact.
  const shifted = y < 100;
  let t = Date.UTC(shifted ? y + 400 : y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  if (shifted) t -= GREGORIAN_CYCLE_MS;
  const iso = new Date(t).toISOString();
  // Offsets can carry an edge instant out of range: toISOString then writes `+010000-…` or `0000-…`.
  return iso.length === 24 && !iso.startsWith('0000') ? iso : null;
}

/** The three-digit millisecond part of a fraction starting at `start`, truncated (never rounded up into the next second). */
function millisFrom(s: string, start: number, end: number): string {
  const n = end - start;
  if (n >= 3) return s.slice(start, start + 3);
  return n === 2 ? `${s.slice(start, end)}0` : n === 1 ? `${s.slice(start, end)}00` : '000';
}

/** ISO 8601 / RFC 3339 with `T` or space, optional fraction of any length, `Z`, an offset or no zone (UTC). */
function normaliseIso(s: string): string | null {
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 116 && sep !== 32) || year < 0 || month < 0 || day < 0 || hour < 0) return null;
  if (minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return null;
  if (!isValidDate(year, month, day)) return null;

  const length = s.length;
  let pos = 19;
  let fracStart = 19;
  let fracEnd = 19;
  const dot = s.charCodeAt(19);
  if (dot === 46 || dot === 44) {
    fracStart = pos = 20;
    while (pos < length) {
      const c = s.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      pos++;
    }
    fracEnd = pos;
    if (fracEnd === fracStart) return null;
  }

  let offsetMinutes = 0;
  if (pos === length) {
    // No zone: Log Analytics CSV/JSON exports drop the `Z`, but their values are UTC.
  } else {
    const zone = s.charCodeAt(pos);
    if (zone === 90 || zone === 122) {
      if (pos + 1 !== length) return null;
    } else if (zone === 43 || zone === 45) {
      const rest = length - pos - 1;
      const oh = digitsAt(s, pos + 1, 2);
      let om = 0;
      if (rest === 5 && s.charCodeAt(pos + 3) === 58) om = digitsAt(s, pos + 4, 2);
      else if (rest === 4) om = digitsAt(s, pos + 3, 2);
      else if (rest !== 2) return null;
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return null;
      offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return null;
    }
  }

  const millis = millisFrom(s, fracStart, fracEnd);
  if (offsetMinutes === 0) {
    // The common case needs no Date at all: the text already holds the UTC fields.
    if (length === 24 && sep === 84 && pos === 23 && s.charCodeAt(23) === 90) return s;
    return `${s.slice(0, 10)}T${s.slice(11, 19)}.${millis}Z`;
  }
  return fromUtcParts(year, month, day, hour, minute, second, Number(millis), offsetMinutes);
}

/** US-locale `8/22/2022 6:41:02 PM` (or 24-hour without AM/PM), read as UTC. */
function normaliseUsLocale(s: string): string | null {
  const m = US_LOCALE.exec(s);
  if (m === null) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  let hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] ?? '';
  const meridiem = m[8];
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = meridiem.charCodeAt(0) === 80 || meridiem.charCodeAt(0) === 112;
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59 || !isValidDate(year, month, day)) return null;
  return fromUtcParts(
    year,
    month,
    day,
    hour,
    minute,
    second,
    Number(millisFrom(fraction, 0, fraction.length)),
    0,
  );
}

/**
 * A timestamp in any form Entra, Log Analytics or Graph writes, as a UTC ISO string with exactly
 * three fraction digits (`2024-05-01T10:00:00.123Z`); null when it is not a string or not a real
 * instant (impossible dates and times are rejected, not rolled over as `Date` would).
 */
export function normaliseTimestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let s = value;
  const length = s.length;
  if (length === 0 || length > 64) return null;
  if (s.charCodeAt(0) <= 32 || s.charCodeAt(length - 1) <= 32) s = s.trim();
  if (s.length >= 19 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58) {
    return s.charCodeAt(16) === 58 ? normaliseIso(s) : null;
  }
  return s.indexOf('/') > 0 ? normaliseUsLocale(s) : null;
}
