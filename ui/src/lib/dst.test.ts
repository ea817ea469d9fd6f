import { describe, expect, it } from 'vitest';
import { classifyLocal, dstSentence, type DstNight } from './dst';
import { translate } from './i18n';
import calendar from './backend/fixtures/calendar.json';

/** Rust's answer to `dstChanges(year)` as the real demo recorded it (fixtures/calendar.json). */
const nights = (year: number): DstNight[] =>
  (calendar.dst_changes as Record<string, { nights: DstNight[] }>)[String(year)]?.nights ?? [];
const N2026 = nights(2026);

// Which days change and which times they skip or repeat is Rust's rule (app::calendar, specified
// by src-tauri/tests/spec/fixtures.rs `the_calendar_commands_answer_the_dst_nights_and_deadlines`);
// here: the UI reads Rust's answer correctly.
describe("looking a time up in Rust's change nights", () => {
  it('has the recorded 2026 nights', () => {
    expect(N2026.map((n) => [n.date, n.change]), 'the recording is the one the UI reads').toEqual([
      ['2026-03-29', 'spring'],
      ['2026-10-25', 'autumn'],
    ]);
  });

  it('refuses the skipped spring hour and asks about the repeated autumn hour, exactly within them', () => {
    expect(classifyLocal(N2026, '2026-03-29', 2 * 60)).toBe('skipped');
    expect(classifyLocal(N2026, '2026-03-29', 2 * 60 + 59)).toBe('skipped');
    expect(classifyLocal(N2026, '2026-03-29', 3 * 60), '03:00 exists on the spring night').toBe('normal');
    expect(classifyLocal(N2026, '2026-10-25', 2 * 60 + 30)).toBe('repeated');
    expect(classifyLocal(N2026, '2026-10-25', 1 * 60 + 59)).toBe('normal');
    expect(classifyLocal(N2026, '2026-10-25', 3 * 60), '03:00 happens once').toBe('normal');
    expect(classifyLocal(N2026, '2026-10-24', 2 * 60 + 30), 'the day before is ordinary').toBe('normal');
  });

  it('finds nothing to ask when Rust gave no nights', () => {
    expect(classifyLocal([], '2026-10-25', 2 * 60 + 30)).toBe('normal');
  });
});

describe('the sentence for a shift across a clock change', () => {
  const night = { start: '2026-10-24T22:00:00', end: '2026-10-25T07:00:00', clock_minutes: 540, real_minutes: 600 };

  it('says what happened and what to invoice in one plain Swedish sentence, HH.MM throughout', () => {
    const s = dstSentence(night, N2026, 'sv');
    expect(s).not.toBeNull();
    const text = translate('sv', 'month.dst_autumn_sentence', s?.params ?? {});
    expect(text).toBe(
      'Natten till 25 oktober 2026 ställdes klockan tillbaka en timme: passet 22.00–07.00 är 10 timmar arbetad tid, inte 9 timmar. Fakturera 10 timmar.',
    );
    expect(text, 'no nested parentheses, no minute counts').not.toMatch(/\(|minuter/);
    expect(text, 'one time format').not.toMatch(/\d:\d/);
  });

  it('uses HH:MM in English', () => {
    const s = dstSentence(night, N2026, 'en');
    expect(translate('en', 'month.dst_autumn_sentence', s?.params ?? {})).toBe(
      'In the night to 25 October 2026 the clocks went back one hour: the shift 22:00–07:00 is 10 hours of work, not 9 hours. Invoice 10 hours.',
    );
  });

  it('says the clocks went forward in spring', () => {
    const spring = { start: '2026-03-28T22:00:00', end: '2026-03-29T07:00:00', clock_minutes: 540, real_minutes: 480 };
    expect(dstSentence(spring, N2026, 'sv')?.change).toBe('spring');
    expect(translate('sv', 'month.dst_spring_sentence', dstSentence(spring, N2026, 'sv')?.params ?? {})).toContain(
      'ställdes klockan fram en timme: passet 22.00–07.00 är 8 timmar arbetad tid, inte 9 timmar',
    );
  });

  it('says nothing for a shift whose worked time is its clock time', () => {
    expect(dstSentence({ ...night, real_minutes: 540 }, N2026, 'sv')).toBeNull();
  });
});
