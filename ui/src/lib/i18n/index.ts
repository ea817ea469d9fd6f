/** Tiny i18n: sv/en dictionaries and `{name}` placeholders. Pure; the reactive locale is in locale.svelte.ts. */
import type { Language } from '../backend/types';
import { isIpcError } from '../backend/types';
import { RUST_MESSAGES } from '../backend/generated/messages';
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

/**
 * The Rust side's message `code` in `lang`, filled from `params` (see `IpcError.params`): a
 * parameter that is a message of its own (`what@code`) is rendered again the same way. Null when
 * the code is unknown or a parameter is missing — the caller then shows the text it was given.
 */
export function renderRustMessage(
  lang: Language,
  code: string,
  params: Record<string, string>,
  prefix = '',
): string | null {
  const template = RUST_MESSAGES[code]?.[lang];
  if (template === undefined) return null;
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (whole: string, name: string) => {
    const key = prefix + name;
    const nested = params[`${key}@code`];
    if (nested !== undefined) {
      const again = renderRustMessage(lang, nested, params, `${key}@`);
      if (again !== null) return again;
    }
    const value = params[key];
    if (value === undefined) {
      complete = false;
      return whole;
    }
    return value;
  });
  return complete ? text : null;
}

/**
 * Any rejection as text in `lang`: an `IpcError` built from a Rust message is rendered again from
 * its code and parameters (so an error on screen follows a language switch), else its own
 * `message`; an `Error` its message; anything else as a string.
 */
export function errorText(lang: Language, error: unknown): string {
  if (isIpcError(error)) {
    if (error.message_code) {
      const again = renderRustMessage(lang, error.message_code, error.params ?? {});
      if (again !== null) return again;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
