/** Calendar arithmetic on ISO strings (`YYYY-MM-DD`, `YYYY-MM`), in UTC so no local zone leaks in. */
import type { IsoDate, Month } from './backend/types';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function isoDate(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Parses `YYYY-MM-DD` into numbers (no validation beyond the shape). */
export function splitDate(date: IsoDate): { year: number; month: number; day: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { year: y ?? 0, month: m ?? 0, day: d ?? 0 };
}

export function splitMonth(month: Month): { year: number; month: number } {
  const [y, m] = month.split('-').map(Number);
  return { year: y ?? 0, month: m ?? 0 };
}

export function monthString(year: number, month: number): Month {
  return `${pad(year, 4)}-${pad(month)}`;
}

/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: Month, n: number): Month {
  const { year, month: m } = splitMonth(month);
  const index = year * 12 + (m - 1) + n;
  return monthString(Math.floor(index / 12), (index % 12) + 1);
}

export function monthOf(date: IsoDate): Month {
  return date.slice(0, 7);
}

export function daysInMonth(month: Month): number {
  const { year, month: m } = splitMonth(month);
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

function toUtcDays(date: IsoDate): number {
  const { year, month, day } = splitDate(date);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const d = new Date((toUtcDays(date) + n) * 86_400_000);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round(toUtcDays(to) - toUtcDays(from));
}

/** 0 = Monday … 6 = Sunday (Swedish weeks start on Monday). */
export function weekdayMonFirst(date: IsoDate): number {
  const { year, month, day } = splitDate(date);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The Monday of the week `date` is in. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, -weekdayMonFirst(date));
}

/** Today's date as the user's computer sees it: the ONE place the UI reads the clock. */
export function localToday(now: Date): IsoDate {
  return isoDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
}
