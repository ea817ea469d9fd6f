/** The current language as Svelte 5 state; `t()` reads it, so templates re-render on a switch. */
import type { Language } from '../backend/types';
import { translate, type MessageKey, type Params } from './index';

export const locale = $state<{ lang: Language }>({ lang: 'sv' });

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}
