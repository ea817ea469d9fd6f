import { describe, expect, it } from 'vitest';
import { dictionaries, placeholders, translate, type MessageKey } from './i18n';

describe('i18n', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    const sv = Object.keys(dictionaries.sv).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(sv);
    for (const k of sv as MessageKey[]) {
      expect(dictionaries.sv[k].trim(), `sv ${k}`).not.toBe('');
      expect(dictionaries.en[k].trim(), `en ${k}`).not.toBe('');
      expect(placeholders(dictionaries.en[k]), `placeholders of ${k}`).toEqual(placeholders(dictionaries.sv[k]));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('sv', 'overview.days_left', { n: 9 })).toBe('9 dagar kvar');
    expect(translate('en', 'overview.days_left', { n: 9 })).toBe('9 days left');
    expect(translate('sv', 'overview.days_left')).toBe('{n} dagar kvar');
  });

  it('shows the demo banner in Swedish by default wording', () => {
    expect(translate('sv', 'app.demo_banner')).toBe('DEMO — ingenting skickas till Försäkringskassan');
  });
});
