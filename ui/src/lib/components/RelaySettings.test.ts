// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import RelaySettings from './RelaySettings.svelte';
import { DemoBackend } from '../backend/demo';
import { locale } from '../i18n/locale.svelte';
import type { RelaySettings as Relay } from '../backend/types';

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = '';
  locale.lang = 'sv';
  vi.unstubAllGlobals();
});

async function settle() {
  for (let i = 0; i < 4; i++) {
    flushSync();
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}

async function show(backend: Pick<DemoBackend, 'relaySettings' | 'enrolRelay' | 'leaveRelay'>) {
  shown = mount(RelaySettings, { target: document.body, props: { backend } });
  await settle();
}

const byTestId = <T extends HTMLElement>(id: string) => document.querySelector(`[data-testid="${id}"]`) as T | null;
const CODE = '7K2M-Q9XD-4HNP-T8WB-3RVF';

function type(name: string, value: string) {
  const input = document.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (!input) throw new Error(`the field ${name} is shown`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('Settings → Skicka via leverantören', () => {
  it('says why a demo folder cannot send through the vendor, in English too', async () => {
    // The recorded answer of the real Rust demo folder (fixtures/screens.json).
    locale.lang = 'en';
    await show(new DemoBackend());
    expect(byTestId('relay-unavailable')?.textContent).toContain('Demo data is never sent through the vendor');
    expect(document.querySelector('input[name="relay-code"]'), 'no enrolment form').toBeNull();
  });
});
