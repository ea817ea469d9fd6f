import { describe, expect, it } from 'vitest';
import { daysUntilDeadline, deadlineFor, deadlineUrgency, monthDueNext } from './deadline';

describe('deadline', () => {
  it('is the 5th of the second month after', () => {
    expect(deadlineFor('2026-10')).toBe('2026-12-05');
    expect(deadlineFor('2026-11')).toBe('2027-01-05');
    expect(deadlineFor('2026-12')).toBe('2027-02-05');
  });

  it('counts down in days', () => {
    expect(daysUntilDeadline('2026-10', '2026-11-26')).toBe(9);
    expect(daysUntilDeadline('2026-10', '2026-12-05')).toBe(0);
    expect(daysUntilDeadline('2026-10', '2026-12-07')).toBe(-2);
  });

  it('picks the month due next from today', () => {
    expect(monthDueNext('2026-11-26'), 'after the 5th: last month').toBe('2026-10');
    expect(monthDueNext('2026-12-05'), 'on the 5th: the month before last is still due').toBe('2026-10');
    expect(monthDueNext('2026-12-06')).toBe('2026-11');
    expect(monthDueNext('2027-01-03'), 'across the year').toBe('2026-11');
    expect(monthDueNext('2027-02-20')).toBe('2027-01');
  });

  it('grows louder as the deadline nears', () => {
    expect(deadlineUrgency(20)).toBe('calm');
    expect(deadlineUrgency(9)).toBe('soon');
    expect(deadlineUrgency(2)).toBe('urgent');
    expect(deadlineUrgency(-1)).toBe('passed');
  });
});
