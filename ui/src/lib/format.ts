/** Durations and hours the way coordinators read them. Pure; the language is passed in. */
import type { IsoDate, Language, Month } from './backend/types';
import { splitDate, splitMonth } from './dates';

/** `7 h 30 min`, `8 h`, `45 min`, `0 min`; negative values get a minus sign (U+2212). */
export function formatDuration(minutes: number): string {
  const sign = minutes < 0 ? '−' : '';
  const abs = Math.abs(Math.round(minutes));
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  if (h === 0) return `${sign}${m} min`;
  if (m === 0) return `${sign}${h} h`;
  return `${sign}${h} h ${m} min`;
}

/** Decimal hours with at most two decimals: `7,5` in Swedish (decimal comma), `7.5` in English. */
export function formatHoursDecimal(minutes: number, lang: Language): string {
  const hours = Math.round((minutes / 60) * 100) / 100;
  const text = String(hours);
  return lang === 'sv' ? text.replace('.', ',').replace('-', '−') : text;
}

const MONTHS = {
  sv: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
} as const;

const WEEKDAYS = {
  sv: ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
} as const;

/** `oktober 2026` / `October 2026`. */
export function formatMonth(month: Month, lang: Language): string {
  const { year, month: m } = splitMonth(month);
  return `${MONTHS[lang][m - 1] ?? '?'} ${year}`;
}

/** `5 december 2026` / `5 December 2026`. */
export function formatDate(date: IsoDate, lang: Language): string {
  const { year, month, day } = splitDate(date);
  const name = MONTHS[lang][month - 1] ?? '?';
  return lang === 'sv' ? `${day} ${name} ${year}` : `${day} ${name} ${year}`;
}

/** Short weekday, Monday = 0. */
export function weekdayShort(mondayFirstIndex: number, lang: Language): string {
  return WEEKDAYS[lang][mondayFirstIndex] ?? '';
}

/** A UTC timestamp shown in Swedish local time, `2026-11-20 14:03`. */
export function formatTimestamp(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
