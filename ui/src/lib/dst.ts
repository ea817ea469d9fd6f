/**
 * The UI's view of the nights the clocks change. The RULES live in Rust: the back end answers
 * `dstChanges(year)` (app's `calendar::dst_year`, from the tz database) with each change night
 * and the wall-clock times it skips or repeats; this module only LOOKS UP a reading in that answer
 * (to ask which occurrence of an autumn time is meant, or to refuse a spring time that does not
 * exist) and words the sentence for a shift across a change. The Rust back end stays the
 * authority for every computed duration.
 */
import type { DstNight, IsoDate, LocalTimeClass } from './backend/types';

export type { DstNight, LocalTimeClass };

/** `HH:MM` → minutes after midnight. */
function minutesOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** The change night on `date` in Rust's answer, if any. */
export function nightOn(nights: readonly DstNight[], date: IsoDate): DstNight | undefined {
  return nights.find((n) => n.date === date);
}

/**
 * Whether a wall-clock reading (minutes after midnight) exists once, never or twice, looked up
 * in Rust's change nights (`nights` must cover the reading's year).
 */
export function classifyLocal(nights: readonly DstNight[], date: IsoDate, minutes: number): LocalTimeClass {
  const night = nightOn(nights, date);
  if (!night || minutes < minutesOf(night.from) || minutes >= minutesOf(night.to)) return 'normal';
  return night.change === 'spring' ? 'skipped' : 'repeated';
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
 * time equals its clock time. `start`/`end` are local `YYYY-MM-DDTHH:MM[:SS]`; `nights` is Rust's
 * answer for the shift's year.
 */
export function dstSentence(
  shift: { start: string; end: string; clock_minutes: number; real_minutes: number },
  nights: readonly DstNight[],
  lang: 'sv' | 'en',
): DstSentence | null {
  if (shift.clock_minutes === shift.real_minutes) return null;
  const startDate = shift.start.slice(0, 10);
  const endDate = shift.end.slice(0, 10);
  const night = nightOn(nights, startDate) ?? nightOn(nights, endDate);
  // Rust says the worked time differs from the clock; without its night the words say autumn.
  const change = night?.change ?? 'autumn';
  const date = night?.date ?? endDate;
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
