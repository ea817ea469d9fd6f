/** The current language as Svelte 5 state; `t()` reads it, so templates re-render on a switch. */
import type { Language } from '../backend/types';
import { errorText, translate, type MessageKey, type Params } from './index';

export const locale = $state<{ lang: Language }>({ lang: 'sv' });

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** An error (any rejection) in the current language; reading it in markup re-renders on a switch. */
export function te(error: unknown): string {
  return errorText(locale.lang, error);
}
