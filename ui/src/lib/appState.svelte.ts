/** App-wide UI state (Svelte 5 runes): the chosen month and person, today, and the settings. */
import type { Id12, IsoDate, Month, Settings } from './backend/types';

export const app = $state<{
  today: IsoDate;
  month: Month;
  person: Id12 | null;
  settings: Settings | null;
}>({ today: '', month: '', person: null, settings: null });
