import { describe, expect, it } from 'vitest';
import { classifyLocal, dstChanges, dstSentence, lastSunday, offsetMinutes } from './dst';
import { translate } from './i18n';

describe('Swedish DST dates (last Sunday of March / October)', () => {
  it('knows 2025 and 2026', () => {
    expect(dstChanges(2025), '2025: 30 March and 26 October').toEqual({ spring: '2025-03-30', autumn: '2025-10-26' });
    expect(dstChanges(2026), '2026: 29 March and 25 October').toEqual({ spring: '2026-03-29', autumn: '2026-10-25' });
  });

  it('finds the last Sunday when the month ends on a Sunday', () => {
    // 31 March 2024 was a Sunday.
    expect(lastSunday(2024, 3)).toBe(31);
  });

  it('classifies 02:00–02:59 as skipped in spring and repeated in autumn, nothing else', () => {
    expect(classifyLocal('2026-03-29', 2 * 60)).toBe('skipped');
    expect(classifyLocal('2026-03-29', 2 * 60 + 59)).toBe('skipped');
    expect(classifyLocal('2026-03-29', 3 * 60), '03:00 exists on the spring night').toBe('normal');
    expect(classifyLocal('2026-10-25', 2 * 60 + 30)).toBe('repeated');
    expect(classifyLocal('2026-10-25', 1 * 60 + 59)).toBe('normal');
    expect(classifyLocal('2026-10-25', 3 * 60), '03:00 happens once').toBe('normal');
    expect(classifyLocal('2026-10-24', 2 * 60 + 30), 'the day before is ordinary').toBe('normal');
  });

  it('gives summer and winter offsets, and none for a repeated time without an occurrence', () => {
    expect(offsetMinutes('2026-01-15', 600)).toBe(60);
    expect(offsetMinutes('2026-07-01', 600)).toBe(120);
    expect(offsetMinutes('2026-10-25', 60)).toBe(120);
    expect(offsetMinutes('2026-10-25', 150)).toBeNull();
    expect(offsetMinutes('2026-10-25', 150, 'first')).toBe(120);
    expect(offsetMinutes('2026-10-25', 150, 'second')).toBe(60);
    expect(offsetMinutes('2026-10-25', 240)).toBe(60);
    expect(offsetMinutes('2026-03-29', 150), 'a skipped time has no offset').toBeNull();
    expect(offsetMinutes('2026-03-29', 60)).toBe(60);
    expect(offsetMinutes('2026-03-29', 180)).toBe(120);
  });
});

describe('the sentence for a shift across a clock change', () => {
  const night = { start: '2026-10-24T22:00:00', end: '2026-10-25T07:00:00', clock_minutes: 540, real_minutes: 600 };

  it('says what happened and what to invoice in one plain Swedish sentence, HH.MM throughout', () => {
    const s = dstSentence(night, 'sv');
    expect(s).not.toBeNull();
    const text = translate('sv', 'month.dst_autumn_sentence', s?.params ?? {});
    expect(text).toBe(
      'Natten till 25 oktober 2026 ställdes klockan tillbaka en timme: passet 22.00–07.00 är 10 timmar arbetad tid, inte 9 timmar. Fakturera 10 timmar.',
    );
    expect(text, 'no nested parentheses, no minute counts').not.toMatch(/\(|minuter/);
    expect(text, 'one time format').not.toMatch(/\d:\d/);
  });

  it('uses HH:MM in English', () => {
    const s = dstSentence(night, 'en');
    expect(translate('en', 'month.dst_autumn_sentence', s?.params ?? {})).toBe(
      'In the night to 25 October 2026 the clocks went back one hour: the shift 22:00–07:00 is 10 hours of work, not 9 hours. Invoice 10 hours.',
    );
  });

  it('says the clocks went forward in spring', () => {
    const spring = { start: '2026-03-28T22:00:00', end: '2026-03-29T07:00:00', clock_minutes: 540, real_minutes: 480 };
    expect(dstSentence(spring, 'sv')?.change).toBe('spring');
    expect(translate('sv', 'month.dst_spring_sentence', dstSentence(spring, 'sv')?.params ?? {})).toContain(
      'ställdes klockan fram en timme: passet 22.00–07.00 är 8 timmar arbetad tid, inte 9 timmar',
    );
  });

  it('says nothing for a shift whose worked time is its clock time', () => {
    expect(dstSentence({ ...night, real_minutes: 540 }, 'sv')).toBeNull();
  });
});
