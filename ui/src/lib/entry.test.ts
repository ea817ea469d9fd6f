import { describe, expect, it } from 'vitest';
import { parseCell, parseRange, parseTime, placeRange, rangeText, type EntryError } from './entry';
import { translate } from './i18n';
import calendar from './backend/fixtures/calendar.json';
import type { DstNight } from './dst';

/** Rust's change nights of 2025–2027, as the real demo recorded them (fixtures/calendar.json). */
const NIGHTS: DstNight[] = Object.values(calendar.dst_changes as Record<string, { nights: DstNight[] }>).flatMap(
  (y) => y.nights,
);

const ok = <T>(r: { ok: true; value: T } | { ok: false; error: EntryError }): T => {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}`);
  return r.value;
};
const errorOf = (r: { ok: boolean; error?: EntryError }): EntryError => {
  if (r.ok || !r.error) throw new Error('expected an error');
  return r.error;
};

describe('entry parser', () => {
  it('reads the forms coordinators type', () => {
    expect(ok(parseRange('8-16'))).toEqual({ start: 480, end: 960, overnight: false, kind: null });
    expect(ok(parseRange('8:30-16'))).toMatchObject({ start: 510, end: 960 });
    expect(ok(parseRange('8.30-16'))).toMatchObject({ start: 510, end: 960 });
    expect(ok(parseRange('0830-1600'))).toMatchObject({ start: 510, end: 960 });
    expect(ok(parseRange('830-1600'))).toMatchObject({ start: 510, end: 960 });
    expect(ok(parseRange(' 8 – 16 '))).toMatchObject({ start: 480, end: 960 });
  });

  it('treats an end before the start as the next morning', () => {
    expect(ok(parseRange('22-07'))).toEqual({ start: 1320, end: 420, overnight: true, kind: null });
  });

  it('accepts 24 as an end and not as a start', () => {
    expect(ok(parseRange('16-24'))).toMatchObject({ start: 960, end: 1440, overnight: true });
    expect(errorOf(parseRange('24-06')).code).toBe('start_24');
  });

  it('reads a kind letter', () => {
    expect(ok(parseRange('22-07 b')).kind).toBe('beredskap');
    expect(ok(parseRange('8-16V')).kind).toBe('vante');
    expect(ok(parseRange('8-16 A')).kind).toBe('aktiv');
    expect(errorOf(parseRange('8-16 x')).code).toBe('unknown_kind');
  });

  it('refuses nonsense with Swedish messages', () => {
    const cases: [string, string, string][] = [
      ['8', 'format', '”8” går inte att läsa som en tid. Skriv ett pass som 8-16 eller 22-07; flera pass i samma ruta skiljs med semikolon: 8-12; 13-17.'],
      ['25-03', 'hour_range', '”25”: timmen måste vara 0–23 (24 går bara som sluttid, 24:00).'],
      ['8:75-16', 'minute_range', '”8:75”: minuterna måste vara 00–59.'],
      ['8-8', 'same_time', '”8-8”: passet slutar samma klockslag som det börjar.'],
      ['abc', 'format', '”abc” går inte att läsa som en tid. Skriv ett pass som 8-16 eller 22-07; flera pass i samma ruta skiljs med semikolon: 8-12; 13-17.'],
    ];
    for (const [input, code, message] of cases) {
      const e = errorOf(parseRange(input));
      expect(e.code, `"${input}"`).toBe(code);
      expect(translate('sv', `entry.error.${e.code}`, e.params), `"${input}" message`).toBe(message);
    }
    expect(errorOf(parseRange('')).code).toBe('empty');
    expect(errorOf(parseTime('24:30')).code).toBe('hour_range');
  });

  it('reads several ranges in one cell, and an empty cell as none', () => {
    expect(ok(parseCell('8-12, 13-17 v')).map((r) => [r.start, r.end, r.kind])).toEqual([
      [480, 720, null],
      [780, 1020, 'vante'],
    ]);
    expect(ok(parseCell('  '))).toEqual([]);
    expect(errorOf(parseCell('8-12; x')).code).toBe('format');
  });

  it('separates shifts with the semicolon the help text names, and reads what the grid shows back', () => {
    expect(ok(parseCell('8-12; 13-17 v')).map((r) => [r.start, r.end, r.kind])).toEqual([
      [480, 720, null],
      [780, 1020, 'vante'],
    ]);
    expect(ok(parseCell('08–12; 22–07 B')).length, 'the cell text as shown edits back to the same shifts').toBe(2);
    const help = translate('sv', 'month.help', { undo: 'Ctrl+Z' });
    expect(help, 'the help names the separator the parser uses').toContain('skiljs med semikolon: 8-12; 13-17');
    expect(help, 'no example joins two shifts with a comma').not.toMatch(/\d-\d+, \d/);
  });
});

describe('placing a range on a date', () => {
  it('puts an overnight end on the next day, also across a month end', () => {
    const p = ok(placeRange(ok(parseRange('22-07')), '2026-10-31', 'aktiv', NIGHTS));
    expect(p.start).toEqual({ date: '2026-10-31', minutes: 1320 });
    expect(p.end).toEqual({ date: '2026-11-01', minutes: 420 });
    expect(p.ambiguous).toEqual([]);
  });

  it('turns 24 into midnight of the next day', () => {
    expect(ok(placeRange(ok(parseRange('16-24')), '2026-10-05', 'aktiv', NIGHTS)).end).toEqual({ date: '2026-10-06', minutes: 0 });
  });

  it('asks about times in the repeated autumn hour instead of guessing', () => {
    expect(ok(placeRange(ok(parseRange('2-6')), '2026-10-25', 'aktiv', NIGHTS)).ambiguous).toEqual(['start']);
    expect(ok(placeRange(ok(parseRange('22-2:30')), '2026-10-24', 'aktiv', NIGHTS)).ambiguous).toEqual(['end']);
    expect(ok(placeRange(ok(parseRange('22-07')), '2026-10-24', 'aktiv', NIGHTS)).ambiguous, 'the DST night shift itself is clear').toEqual([]);
    expect(ok(placeRange(ok(parseRange('2:15-2:45')), '2025-10-26', 'aktiv', NIGHTS)).ambiguous).toEqual(['start', 'end']);
  });

  it('refuses a time in the skipped spring hour', () => {
    const e = errorOf(placeRange(ok(parseRange('2:30-8')), '2026-03-29', 'aktiv', NIGHTS));
    expect(e.code).toBe('skipped_time');
    expect(translate('sv', 'entry.error.skipped_time', e.params)).toBe(
      'Klockslaget 02:30 den 2026-03-29 finns inte: natten till sommartid hoppar klockan från 02:00 till 03:00.',
    );
    expect(ok(placeRange(ok(parseRange('1-3')), '2026-03-29', 'aktiv', NIGHTS)).ambiguous, '01:00 and 03:00 exist').toEqual([]);
  });

  it('uses the typed kind or the default', () => {
    expect(ok(placeRange(ok(parseRange('8-16')), '2026-10-05', 'vante', NIGHTS)).kind).toBe('vante');
    expect(ok(placeRange(ok(parseRange('8-16 b')), '2026-10-05', 'vante', NIGHTS)).kind).toBe('beredskap');
  });

  it('shows cells compactly', () => {
    expect(rangeText(480, 960, 'aktiv')).toBe('08–16');
    expect(rangeText(510, 960, 'aktiv')).toBe('08:30–16');
    expect(rangeText(1320, 420, 'beredskap')).toBe('22–07 B');
    expect(rangeText(960, 0, 'vante')).toBe('16–24 V');
  });
});
