import { describe, expect, it } from 'vitest';
import { groupMissing } from './missing';
import { translate } from './i18n';

const m = (assistant: string, reason_code: string) => ({ person: 'Elsa Lindqvist', assistant, reason_code, reason: reason_code });

describe('the missing list, grouped by reason', () => {
  it('counts identical reasons once instead of listing them one by one', () => {
    const many = [...Array.from({ length: 40 }, (_, i) => m(`Assistent ${i}`, 'not_signed_by_assistant')), m('Anna Berg', 'rejected_by_fk')];
    const groups = groupMissing(many);
    expect(groups.map((g) => [g.code, g.items.length]), 'two lines, largest first').toEqual([
      ['not_signed_by_assistant', 40],
      ['rejected_by_fk', 1],
    ]);
  });

  it('says who is who in every expanded row, in both languages', () => {
    expect(translate('sv', 'who.pair', { assistant: 'Lena Ström', person: 'Åsa Öberg-Lind' })).toBe(
      'Assistent: Lena Ström · Person med assistans: Åsa Öberg-Lind',
    );
    expect(translate('en', 'who.pair', { assistant: 'Lena Ström', person: 'Åsa Öberg-Lind' })).toBe(
      'Assistant: Lena Ström · Person receiving assistance: Åsa Öberg-Lind',
    );
  });

  it('reads right for one and for many', () => {
    expect(translate('sv', 'overview.missing_group_one', { reason: 'inte skickad' })).toBe('inte skickad: 1 rapport');
    expect(translate('sv', 'overview.missing_group_many', { reason: 'inte skickad', n: 3 })).toBe('inte skickad: 3 rapporter');
    expect(translate('sv', 'sign.batch_one')).toBe('Signera som anordnare: 1 rapport är klar');
    expect(translate('sv', 'sign.batch', { n: 4 })).toBe('Signera som anordnare: 4 rapporter är klara');
  });
});
