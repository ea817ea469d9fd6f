/**
 * Fast keyboard entry for the month grid: `8-16`, `22-07` (overnight), `8:30-16`, `0830-1600`,
 * `16-24`, optionally followed by a kind letter (`a` aktiv, `v` väntetid, `b` beredskap). Several
 * shifts in one cell are separated by `;` (what the help text says and the grid shows); a `,` is
 * still read the same way, since people type it. Pure: errors come back as codes with parameters; the i18n module turns
 * them into Swedish (or English) sentences (`entry.error.<code>`).
 */
import type { IsoDate, TimeKind } from './backend/types';
import { addDays } from './dates';
import { classifyLocal, type DstNight } from './dst';

export type EntryErrorCode =
  | 'empty'
  | 'format'
  | 'hour_range'
  | 'minute_range'
  | 'start_24'
  | 'same_time'
  | 'unknown_kind'
  | 'skipped_time';

export interface EntryError {
  code: EntryErrorCode;
  /** Values for the message (the text typed, the time, the date). */
  params: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: EntryError };

/** A typed range, before it is placed on a date. Minutes after midnight; end may be 1440 (24:00). */
export interface ParsedRange {
  start: number;
  end: number;
  /** The end is on the next day (end ≤ start, or 24:00). */
  overnight: boolean;
  /** The kind letter typed, or null to use the grid's current kind. */
  kind: TimeKind | null;
}

const KIND_LETTERS: Record<string, TimeKind> = { a: 'aktiv', v: 'vante', b: 'beredskap' };
export const KIND_LETTER: Record<TimeKind, string> = { aktiv: 'A', vante: 'V', beredskap: 'B' };

const err = (code: EntryErrorCode, params: Record<string, string> = {}): { ok: false; error: EntryError } => ({
  ok: false,
  error: { code, params },
});

/** One time: `8`, `08`, `8:30`, `8.30`, `830`, `0830`. Returns minutes after midnight (≤ 1440). */
export function parseTime(raw: string): Result<number> {
  const text = raw.trim();
  let h: number;
  let m: number;
  let match = /^(\d{1,2})(?:[:.](\d{2}))?$/.exec(text);
  if (match) {
    h = Number(match[1]);
    m = match[2] === undefined ? 0 : Number(match[2]);
  } else if ((match = /^(\d{1,2})(\d{2})$/.exec(text))) {
    h = Number(match[1]);
    m = Number(match[2]);
  } else {
    return err('format', { text });
  }
  if (m > 59) return err('minute_range', { text });
  if (h > 24 || (h === 24 && m !== 0)) return err('hour_range', { text });
  return { ok: true, value: h * 60 + m };
}

/** One range such as `22-07 b`. */
export function parseRange(raw: string): Result<ParsedRange> {
  const text = raw.trim();
  if (text === '') return err('empty');
  const match = /^(\S+?)\s*[-–—]\s*([0-9:.]+)\s*([A-Za-zåäöÅÄÖ]*)$/.exec(text);
  if (!match) return err('format', { text });
  const [, startText = '', endText = '', letter = ''] = match;
  let kind: TimeKind | null = null;
  if (letter !== '') {
    const k = KIND_LETTERS[letter.toLowerCase()];
    if (!k) return err('unknown_kind', { text, letter });
    kind = k;
  }
  const start = parseTime(startText);
  if (!start.ok) return start;
  const end = parseTime(endText);
  if (!end.ok) return end;
  if (start.value === 1440) return err('start_24', { text });
  if (start.value === end.value) return err('same_time', { text });
  const overnight = end.value === 1440 || end.value < start.value;
  return { ok: true, value: { start: start.value, end: end.value, overnight, kind } };
}

/** A whole cell: ranges separated by `;` (or `,`). An empty cell is an empty list (clears it). */
export function parseCell(raw: string): Result<ParsedRange[]> {
  const parts = raw
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out: ParsedRange[] = [];
  for (const part of parts) {
    const r = parseRange(part);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

/** A wall-clock reading: a date and minutes after midnight (0–1439). */
export interface LocalDateTime {
  date: IsoDate;
  minutes: number;
}

export interface PlacedShift {
  start: LocalDateTime;
  end: LocalDateTime;
  kind: TimeKind;
  /** Which ends fall in the repeated autumn hour: the UI must ask, never guess. */
  ambiguous: ('start' | 'end')[];
}

/**
 * Places a range on the day it starts; refuses times that do not exist (spring night). `nights`
 * is the back end's answer to `dstChanges` for the years the range touches: which times do not
 * exist or happen twice is Rust's rule, looked up here, never re-derived.
 */
export function placeRange(
  range: ParsedRange,
  date: IsoDate,
  defaultKind: TimeKind,
  nights: readonly DstNight[],
): Result<PlacedShift> {
  const start: LocalDateTime = { date, minutes: range.start };
  const end: LocalDateTime =
    range.end === 1440
      ? { date: addDays(date, 1), minutes: 0 }
      : { date: range.overnight ? addDays(date, 1) : date, minutes: range.end };
  const ambiguous: ('start' | 'end')[] = [];
  for (const [which, t] of [
    ['start', start],
    ['end', end],
  ] as const) {
    const cls = classifyLocal(nights, t.date, t.minutes);
    if (cls === 'skipped') return err('skipped_time', { time: clockText(t.minutes), date: t.date });
    if (cls === 'repeated') ambiguous.push(which);
  }
  return { ok: true, value: { start, end, kind: range.kind ?? defaultKind, ambiguous } };
}

/** `HH:MM` (24:00 for 1440). */
export function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `YYYY-MM-DDTHH:MM`, the form `ShiftInput` takes. */
export function localDateTimeText(t: LocalDateTime): string {
  return `${t.date}T${clockText(t.minutes)}`;
}

/** Reads `YYYY-MM-DDTHH:MM[:SS]` back. */
export function parseLocalDateTime(text: string): LocalDateTime {
  const date = text.slice(0, 10);
  const h = Number(text.slice(11, 13));
  const m = Number(text.slice(14, 16));
  return { date, minutes: h * 60 + m };
}

/** The short form a cell shows: `08–16`, `08:30–16`, `22–07 B` (the letter unless aktiv). */
export function rangeText(start: number, end: number, kind: TimeKind): string {
  const t = (m: number) => (m % 60 === 0 ? String(Math.floor(m / 60)).padStart(2, '0') : clockText(m));
  const endText = end === 0 && start > 0 ? '24' : t(end);
  return `${t(start)}–${endText}${kind === 'aktiv' ? '' : ' ' + KIND_LETTER[kind]}`;
}
