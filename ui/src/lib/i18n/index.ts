/** Tiny i18n: sv/en dictionaries and `{name}` placeholders. Pure; the reactive locale is in locale.svelte.ts. */
import type { Language } from '../backend/types';
import { en } from './en';
import { sv, type MessageKey } from './sv';

export type { MessageKey };
export const dictionaries: Record<Language, Record<MessageKey, string>> = { sv, en };

export type Params = Record<string, string | number>;

/** The text for `key` in `lang` with `{placeholders}` filled; a missing parameter stays visible. */
export function translate(lang: Language, key: MessageKey, params: Params = {}): string {
  const template = dictionaries[lang][key] ?? dictionaries.sv[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Placeholder names in a template, sorted (for the completeness test). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
