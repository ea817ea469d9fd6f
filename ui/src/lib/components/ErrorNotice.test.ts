// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ErrorNotice from './ErrorNotice.svelte';
import SupportContactSettings from './SupportContactSettings.svelte';
import { locale } from '../i18n/locale.svelte';
import { DemoBackend } from '../backend/demo';

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = '';
  locale.lang = 'sv';
});

describe('an error on screen', () => {
  it('changes language with the switch, rendered again from its code and parameters', () => {
    // As the shell sends it: rendered in Swedish, with the message's code and parameters (the
    // nested "where" as its own code and parameters).
    const error = {
      code: 'key_missing',
      message: 'nyckeln till databasen /d/assistid.db finns inte i datorns nyckelring. …',
      message_code: 'key_missing',
      params: { path: '/d/assistid.db', location: 'i datorns nyckelring', 'location@code': 'key_in_keychain' },
    };
    shown = mount(ErrorNotice, { target: document.body, props: { error } });
    flushSync();
    expect(document.body.textContent).toContain('finns inte i datorns nyckelring');
    locale.lang = 'en';
    flushSync();
    expect(document.body.textContent, 'the same error, now in English').toContain(
      "the key to the database /d/assistid.db is not in this computer's keychain",
    );
    expect(document.body.textContent).not.toContain('nyckelring');
  });

  it('shows its own text when the UI does not know its code', () => {
    shown = mount(ErrorNotice, { target: document.body, props: { error: { code: 'busy', message: 'Upptaget just nu' } } });
    flushSync();
    locale.lang = 'en';
    flushSync();
    expect(document.body.textContent).toContain('Upptaget just nu');
  });
});

describe("Settings → the vendor's support", () => {
  it('shows the stored contact, saves a change and names a mistyped field', async () => {
    const backend = new DemoBackend();
    shown = mount(SupportContactSettings, { target: document.body, props: { backend } });
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    const described = () => document.querySelector('[data-testid=support-described]')?.textContent ?? '';
    expect(described()).toContain('Assistid Demo AB (demoleverantör)');
    const email = document.querySelector<HTMLInputElement>('input[name=support-email]');
    expect(email, 'an e-mail field').not.toBeNull();
    email!.value = 'support.example.se';
    email!.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    document.querySelector<HTMLFormElement>('[data-testid=support-contact] form')!.requestSubmit();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(email!.getAttribute('aria-invalid'), 'the mistyped field is marked').toBe('true');
    expect(document.body.textContent).toContain('support.example.se');
  });
});
