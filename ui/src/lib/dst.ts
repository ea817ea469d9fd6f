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
