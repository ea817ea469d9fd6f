// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ErrorNotice from './ErrorNotice.svelte';
import SupportContactSettings from './SupportContactSettings.svelte';
import { locale } from '../i18n/locale.svelte';

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
