import { beforeEach, describe, expect, it } from 'vitest';
import { app, chooseEnvironment, type EnvironmentQuestion } from '../appState.svelte';
import { dictionaries } from '../i18n';
import type { Environment, Settings } from './types';
import { DemoBackend } from './demo';

const DEMO: Settings = {
  environment: 'demo',
  language: 'sv',
  certificates: [],
  data_kind: 'demo',
  environment_chosen: true,
  workspace: 'demo',
  data_folder: '/home/eva/.local/share/Assistid/demo',
};
const REAL_TEST: Settings = {
  environment: 'test',
  language: 'sv',
  certificates: [],
  data_kind: 'real',
  environment_chosen: true,
  workspace: 'real',
  data_folder: '/home/eva/.local/share/Assistid',
};

/** A back end that answers like the shell: test/prod opens the real folder, demo the demo's. */
function shellLike(fail?: { code: string; message: string }) {
  const calls: Environment[] = [];
  return {
    calls,
    setEnvironment: async (env: Environment): Promise<Settings> => {
      calls.push(env);
      if (fail) throw fail;
      return env === 'demo' ? { ...DEMO } : { ...REAL_TEST, environment: env };
    },
  };
}

function answering(yes: boolean) {
  const asked: EnvironmentQuestion[] = [];
  return { asked, ask: (q: EnvironmentQuestion) => (asked.push(q), yes) };
}

describe('choosing the environment in Settings', () => {
  beforeEach(() => {
    app.settings = { ...DEMO };
    app.person = '194005122389';
    app.dataVersion = 0;
  });

  it('asks before leaving the demo, then switches and reloads everything', async () => {
    const backend = shellLike();
    const { asked, ask } = answering(true);
    expect(await chooseEnvironment(backend, 'test', ask)).toBe('switched_to_real');
    expect(asked).toEqual(['settings.leave_demo_confirm']);
    expect(backend.calls).toEqual(['test']);
    expect(app.settings?.workspace).toBe('real');
    expect(app.settings?.environment, 'the DEMO banner follows the environment').toBe('test');
    expect(app.person, 'the demo person does not follow into real data').toBeNull();
    expect(app.dataVersion, 'every screen loads again').toBe(1);
  });

  it('changes nothing when the user says no', async () => {
    const backend = shellLike();
    const { ask } = answering(false);
    expect(await chooseEnvironment(backend, 'prod', ask)).toBe('cancelled');
    expect(backend.calls).toEqual([]);
    expect(app.settings?.workspace).toBe('demo');
    expect(app.dataVersion).toBe(0);
  });

  it('asks about production too, and about going back to the demo', async () => {
    const backend = shellLike();
    const first = answering(true);
    await chooseEnvironment(backend, 'prod', first.ask);
    expect(first.asked).toEqual(['settings.leave_demo_confirm', 'settings.env_prod_confirm']);
    const second = answering(true);
    expect(await chooseEnvironment(backend, 'demo', second.ask)).toBe('switched_to_demo');
    expect(second.asked).toEqual(['settings.to_demo_confirm']);
    expect(app.settings?.environment).toBe('demo');
    expect(app.dataVersion).toBe(2);
  });

  it('sets test or prod in the real folder without switching', async () => {
    app.settings = { ...REAL_TEST };
    const backend = shellLike();
    const { asked, ask } = answering(true);
    expect(await chooseEnvironment(backend, 'prod', ask)).toBe('set');
    expect(asked).toEqual(['settings.env_prod_confirm']);
    expect(app.person, 'the same folder: the person stays').toBe('194005122389');
    expect(app.dataVersion).toBe(0);
  });

  it('keeps everything as it was when the shell refuses (busy)', async () => {
    const busy = { code: 'busy', message: 'Ett inskick till Försäkringskassan pågår.' };
    const backend = shellLike(busy);
    await expect(chooseEnvironment(backend, 'test', answering(true).ask)).rejects.toEqual(busy);
    expect(app.settings?.workspace).toBe('demo');
    expect(app.dataVersion).toBe(0);
  });

  it('explains the switch in plain words in both languages', () => {
    expect(dictionaries.sv['settings.leave_demo_confirm']).toContain('Demodatan ligger kvar');
    expect(dictionaries.en['settings.leave_demo_confirm']).toContain('demo data stays');
  });

  it('the browser stand-in says it is the demo folder', async () => {
    const s = await new DemoBackend().settings();
    expect(s.workspace).toBe('demo');
  });
});
