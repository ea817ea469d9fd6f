// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import FileButton from './FileButton.svelte';
import { locale } from '../i18n/locale.svelte';

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = '';
  locale.lang = 'sv';
});

function show(onchange = vi.fn()) {
  shown = mount(FileButton, { target: document.body, props: { label: 'Certifikatfil (.p12/.pfx)', accept: '.p12', testid: 'cert', onchange } });
  flushSync();
  return onchange;
}

describe('our own file button', () => {
  it('speaks the UI language, not the operating system’s', () => {
    show();
    expect(document.body.textContent).toContain('Välj fil …');
    expect(document.body.textContent).toContain('Ingen fil vald');
    expect(document.body.textContent, 'no native English wording').not.toMatch(/Choose File|No file chosen/);
    locale.lang = 'en';
    flushSync();
    expect(document.body.textContent).toContain('Choose file …');
  });

  it('keeps the native input for the OS dialog and names the chosen file beside the button', () => {
    const onchange = show();
    const input = document.querySelector<HTMLInputElement>('input[type=file][data-testid=cert]');
    expect(input, 'the native input is still there (the OS dialog, keyboard, WebDriver)').not.toBeNull();
    expect(input?.getAttribute('aria-label')).toBe('Certifikatfil (.p12/.pfx)');
    const file = new File(['x'], 'foretaget.p12');
    Object.defineProperty(input, 'files', { value: [file] });
    input?.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    expect(onchange).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-file-name]')?.textContent).toBe('Vald fil: foretaget.p12');
  });
});
