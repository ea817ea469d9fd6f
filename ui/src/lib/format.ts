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

/**
 * A personnummer or samordningsnummer as people read it: `ÅÅÅÅMMDD-NNNN` (`19900101-2385`).
 * For screens only: FK's document and the back end take the 12 digits. Anything that is not
 * 12 digits (a half-typed value) is shown as it is.
 */
export function formatIdentity(id: string): string {
  const digits = id.replace(/\D/g, '');
  return digits.length === 12 ? `${digits.slice(0, 8)}-${digits.slice(8)}` : id;
}

/** An organisationsnummer as people read it: `NNNNNN-NNNN` (`556677-8899`). */
export function formatOrgNumber(org: string): string {
  const digits = org.replace(/\D/g, '');
  if (digits.length === 10) return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  // A sole trader's organisationsnummer is their personnummer.
  if (digits.length === 12) return formatIdentity(digits);
  return org;
}

/** Minutes as hours for granted-hours figures: `160 h`, `7,5 h` (`7.5 h` in English). */
export function formatHours(minutes: number, lang: Language): string {
  return `${formatHoursDecimal(minutes, lang)} h`;
}

/** Whether the computer is a Mac (for the shortcut names: ⌘Z there, Ctrl+Z elsewhere). */
export function isMac(platform: string): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** The undo shortcut as the platform writes it. */
export function undoShortcut(platform: string): string {
  return isMac(platform) ? '⌘Z' : 'Ctrl+Z';
}
