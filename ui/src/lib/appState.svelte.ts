/** App-wide UI state (Svelte 5 runes): the chosen month and person, today, and the settings. */
import type { Backend } from './backend/backend';
import type { Environment, Id12, IsoDate, Month, Settings } from './backend/types';

export const app = $state<{
  today: IsoDate;
  month: Month;
  person: Id12 | null;
  settings: Settings | null;
  /**
   * Counts switches of data folder (demo ↔ real data). The screens are shown keyed on it, so
   * after a switch every screen loads its data again from the folder now open.
   */
  dataVersion: number;
}>({ today: '', month: '', person: null, settings: null, dataVersion: 0 });

/** The questions `chooseEnvironment` may ask, by message key. */
export type EnvironmentQuestion = 'settings.leave_demo_confirm' | 'settings.to_demo_confirm' | 'settings.env_prod_confirm';

/** What choosing an environment did. */
export type EnvironmentChoice = 'cancelled' | 'set' | 'switched_to_real' | 'switched_to_demo';

/**
 * Chooses where reports go (the Settings screen). The desktop app keeps demo data and real data
 * in separate folders: test or production chosen while the demo folder is open switches to the
 * folder for real data, the demo chosen in the real folder switches back. Before a switch, and
 * before production, the user is asked (`ask`, e.g. `confirm` with the translated question);
 * after a switch everything the app state holds is loaded again. Rejects with the back end's
 * IpcError (e.g. `busy` while a submission or signing is in progress); nothing changes then.
 */
export async function chooseEnvironment(
  backend: Pick<Backend, 'setEnvironment'>,
  environment: Environment,
  ask: (question: EnvironmentQuestion) => boolean,
): Promise<EnvironmentChoice> {
  const before = app.settings;
  const leavesDemo = before?.workspace === 'demo' && environment !== 'demo';
  const toDemo = before?.workspace === 'real' && before.data_kind !== 'demo' && environment === 'demo';
  if (leavesDemo && !ask('settings.leave_demo_confirm')) return 'cancelled';
  if (toDemo && !ask('settings.to_demo_confirm')) return 'cancelled';
  if (environment === 'prod' && before?.environment !== 'prod' && !ask('settings.env_prod_confirm')) return 'cancelled';
  const after = await backend.setEnvironment(environment);
  const switched =
    before !== null && (after.workspace !== before.workspace || after.data_folder !== before.data_folder);
  app.settings = after;
  if (!switched) return 'set';
  reloadAfterSwitch();
  return after.workspace === 'demo' ? 'switched_to_demo' : 'switched_to_real';
}

/** Forgets what belonged to the folder left: the chosen person, and every screen's data. */
export function reloadAfterSwitch(): void {
  app.person = null;
  app.dataVersion += 1;
}
