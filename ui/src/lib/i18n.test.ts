import { describe, expect, it } from 'vitest';
import { dictionaries, errorText, placeholders, translate, type MessageKey } from './i18n';
import { RUST_MESSAGES } from './backend/generated/messages';

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

describe('errors from the Rust side', () => {
  // The database's key was not where it was looked for: the message has a part of its own
  // (where), which crosses with its own code and parameters.
  const keyMissing = {
    code: 'key_missing',
    message: 'nyckeln till databasen /d/assistid.db finns inte i nyckelfilen /d/k.key. …',
    message_code: 'key_missing',
    params: {
      path: '/d/assistid.db',
      location: 'i nyckelfilen /d/k.key',
      'location@code': 'key_in_file',
      'location@path': '/d/k.key',
    },
  };

  it('renders an error again in the language switched to, nested parts included', () => {
    const en = errorText('en', keyMissing);
    expect(en).toContain('the key to the database /d/assistid.db is not in the key file /d/k.key');
    expect(en, 'no Swedish left in English mode').not.toContain('nyckelfilen');
    expect(errorText('sv', keyMissing)).toContain('finns inte i nyckelfilen /d/k.key');
  });

  it('falls back to the message when the code is unknown or a parameter is missing', () => {
    expect(errorText('en', { code: 'x', message: 'Okänt fel', message_code: 'no_such_code', params: {} })).toBe('Okänt fel');
    expect(errorText('en', { ...keyMissing, params: {} }), 'a half-filled text is never shown').toBe(keyMissing.message);
    expect(errorText('en', { code: 'busy', message: 'Upptagen' })).toBe('Upptagen');
    expect(errorText('en', new Error('boom'))).toBe('boom');
  });

  it('knows every Rust message in both languages with the same parameters', () => {
    const codes = Object.keys(RUST_MESSAGES);
    expect(codes.length, 'the generated catalog is not empty').toBeGreaterThan(50);
    for (const code of codes) {
      const m = RUST_MESSAGES[code]!;
      expect(placeholders(m.en), `placeholders of ${code}`).toEqual(placeholders(m.sv));
    }
  });
});
