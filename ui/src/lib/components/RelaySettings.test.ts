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
  it('explains each term in plain Swedish and enrols with the address and the code', async () => {
    const backend = new DemoBackend();
    await show(backend);
    const text = document.body.textContent ?? '';
    expect(text).toContain('Skicka via leverantören');
    for (const term of ['Relayns adress', 'Anslutningskod', 'Relayns CA-fil']) expect(text, term).toContain(term);
    expect(text, 'each term has its one-line explanation').toContain('engångskod från leverantören');
    expect(byTestId('relay-status')?.textContent).toContain('direkt till Försäkringskassan');
    expect(byTestId<HTMLButtonElement>('relay-enrol')?.disabled, 'nothing to send before both are typed').toBe(true);

    type('relay-address', 'https://relay.leverantoren.se:8443/');
    type('relay-code', CODE);
    await settle();
    byTestId<HTMLButtonElement>('relay-enrol')?.click();
    await settle();
    expect(document.querySelector('[data-testid="relay"]')?.getAttribute('data-mode')).toBe('relay');
    expect(byTestId('relay-provider')?.textContent, 'enrolled as the provider, written as usual').toBe('556612-3450');
    expect(byTestId('relay-address')?.textContent).toBe('https://relay.leverantoren.se:8443');
    expect(document.body.textContent).toContain('Ansluten sedan');
    expect((await backend.submissionQueue()).relay_address, 'the Submit screen learns it goes via the vendor').toBe(
      'https://relay.leverantoren.se:8443',
    );

    const asked = vi.fn(() => true);
    vi.stubGlobal('confirm', asked);
    byTestId<HTMLButtonElement>('relay-leave')?.click();
    await settle();
    expect(asked, 'the coordinator is asked before sending stops going through the vendor').toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-testid="relay"]')?.getAttribute('data-mode')).toBe('direct');
    expect((await backend.submissionQueue()).relay_address).toBeUndefined();
  });

  it('shows the relay’s refusal where the code was typed and keeps the folder as it was', async () => {
    await show(new DemoBackend());
    type('relay-address', 'https://relay.leverantoren.se');
    type('relay-code', '9999-Q9XD-4HNP-T8WB-3RVF');
    await settle();
    byTestId<HTMLButtonElement>('relay-enrol')?.click();
    await settle();
    const error = byTestId('relay-error')?.textContent ?? '';
    expect(error, 'the other number and what to do').toContain('556036-0793');
    expect(error).toContain('inte förbrukad');
    expect(document.querySelector('[data-testid="relay"]')?.getAttribute('data-mode')).toBe('direct');
  });

  it('says why a demo folder cannot send through the vendor, in English too', async () => {
    const demoOnly: Relay = { mode: 'direct', available: false, pinned_ca: false };
    const backend = {
      relaySettings: async () => demoOnly,
      enrolRelay: async () => demoOnly,
      leaveRelay: async () => demoOnly,
    };
    locale.lang = 'en';
    await show(backend);
    expect(byTestId('relay-unavailable')?.textContent).toContain('Demo data is never sent through the vendor');
    expect(document.querySelector('input[name="relay-code"]'), 'no enrolment form').toBeNull();
  });
});
