/**
 * Swedish (EU) daylight-saving dates, used by the UI ONLY to decide whether to ask the user which
 * occurrence of an autumn time is meant, or to refuse a spring time that does not exist. The Rust
 * back end stays the authority for every computed duration.
 *
 * Summer time starts on the last Sunday of March (02:00 → 03:00) and ends on the last Sunday of
 * October (03:00 → 02:00), so 02:00–02:59 is skipped in spring and happens twice in autumn.
 */
import type { IsoDate, Occurrence } from './backend/types';
import { isoDate } from './dates';

/** Day of month of the last Sunday of `month` (1–12) in `year`. */
export function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

export interface DstChanges {
  /** The spring night: clocks jump from 02:00 to 03:00. */
  spring: IsoDate;
  /** The autumn night: clocks go back from 03:00 to 02:00. */
  autumn: IsoDate;
}

export function dstChanges(year: number): DstChanges {
  return {
    spring: isoDate(year, 3, lastSunday(year, 3)),
    autumn: isoDate(year, 10, lastSunday(year, 10)),
  };
}

export type LocalTimeClass = 'normal' | 'skipped' | 'repeated';

const TWO = 120;
const THREE = 180;

/** Whether a wall-clock reading (minutes after midnight) exists once, never, or twice. */
export function classifyLocal(date: IsoDate, minutes: number): LocalTimeClass {
  if (minutes < TWO || minutes >= THREE) return 'normal';
  const changes = dstChanges(Number(date.slice(0, 4)));
  if (date === changes.spring) return 'skipped';
  if (date === changes.autumn) return 'repeated';
  return 'normal';
}

/**
 * UTC offset in minutes (120 summer, 60 winter) of a wall-clock reading. For a repeated time the
 * occurrence decides (default: none given → null, the caller must ask). Null for a skipped time.
 */
export function offsetMinutes(
  date: IsoDate,
  minutes: number,
  occurrence: Occurrence | null = null,
): number | null {
  const { spring, autumn } = dstChanges(Number(date.slice(0, 4)));
  const cls = classifyLocal(date, minutes);
  if (cls === 'skipped') return null;
  if (cls === 'repeated') return occurrence === null ? null : occurrence === 'first' ? 120 : 60;
  if (date < spring || date > autumn) return 60;
  if (date > spring && date < autumn) return 120;
  if (date === spring) return minutes < TWO ? 60 : 120;
  return minutes < TWO ? 120 : 60; // autumn day, outside the repeated hour
}

/** What a shift across a clock change means for the invoice, as parameters for one sentence. */
export interface DstSentence {
  /** Which change: the clocks went back (autumn) or forward (spring). */
  change: 'autumn' | 'spring';
  params: {
    /** The day after the night of the change: `25 oktober 2026`. */
    date: string;
    /** `22.00` in Swedish, `22:00` in English. */
    from: string;
    to: string;
    /** The time worked: `10 timmar` / `10 hours`. */
    real: string;
    /** What the clock says: `9 timmar` / `9 hours`. */
    clock: string;
  };
}

const MONTH_NAMES = {
  sv: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
} as const;

/** Hours and minutes in words: `10 timmar`, `1 timme`, `7 timmar 30 minuter` / `10 hours`. */
export function durationWords(minutes: number, lang: 'sv' | 'en'): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = lang === 'sv' ? (h === 1 ? '1 timme' : `${h} timmar`) : h === 1 ? '1 hour' : `${h} hours`;
  const mins = lang === 'sv' ? `${m} minuter` : m === 1 ? '1 minute' : `${m} minutes`;
  if (h === 0) return mins;
  return m === 0 ? hours : `${hours} ${mins}`;
}

/** A wall-clock time in one format per language: `07.00` in Swedish, `07:00` in English. */
export function clockTime(hhmm: string, lang: 'sv' | 'en'): string {
  const [h = '00', m = '00'] = hhmm.split(/[:.]/);
  return `${h.padStart(2, '0')}${lang === 'sv' ? '.' : ':'}${m.padStart(2, '0')}`;
}

/**
 * The parameters of the sentence that explains a shift across a clock change
 * (`month.dst_autumn_sentence` / `month.dst_spring_sentence`), or null when the shift's worked
 * time equals its clock time. `start`/`end` are local `YYYY-MM-DDTHH:MM[:SS]`.
 */
export function dstSentence(
  shift: { start: string; end: string; clock_minutes: number; real_minutes: number },
  lang: 'sv' | 'en',
): DstSentence | null {
  if (shift.clock_minutes === shift.real_minutes) return null;
  const startDate = shift.start.slice(0, 10);
  const endDate = shift.end.slice(0, 10);
  const { spring, autumn } = dstChanges(Number(startDate.slice(0, 4)));
  const day = [startDate, endDate].find((d) => d === autumn || d === spring);
  const change = day === spring ? 'spring' : 'autumn';
  const date = day ?? endDate;
  const monthName = MONTH_NAMES[lang][Number(date.slice(5, 7)) - 1] ?? '?';
  return {
    change,
    params: {
      date: `${Number(date.slice(8, 10))} ${monthName} ${date.slice(0, 4)}`,
      from: clockTime(shift.start.slice(11, 16), lang),
      to: clockTime(shift.end.slice(11, 16), lang),
      real: durationWords(shift.real_minutes, lang),
      clock: durationWords(shift.clock_minutes, lang),
    },
  };
}
