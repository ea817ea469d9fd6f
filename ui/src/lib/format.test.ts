import { describe, expect, it } from 'vitest';
import { formatDate, formatDuration, formatHoursDecimal, formatIdentity, formatMonth, formatOrgNumber, undoShortcut } from './format';

describe('formatting', () => {
  it('writes durations as hours and minutes', () => {
    expect(formatDuration(450)).toBe('7 h 30 min');
    expect(formatDuration(480)).toBe('8 h');
    expect(formatDuration(45)).toBe('45 min');
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(-60)).toBe('−1 h');
    expect(formatDuration(10_080)).toBe('168 h');
  });

  it('writes decimal hours with a decimal comma in Swedish', () => {
    expect(formatHoursDecimal(450, 'sv')).toBe('7,5');
    expect(formatHoursDecimal(450, 'en')).toBe('7.5');
    expect(formatHoursDecimal(440, 'sv')).toBe('7,33');
    expect(formatHoursDecimal(480, 'sv')).toBe('8');
  });

  it('names months and dates', () => {
    expect(formatMonth('2026-10', 'sv')).toBe('oktober 2026');
    expect(formatMonth('2026-10', 'en')).toBe('October 2026');
    expect(formatDate('2026-12-05', 'sv')).toBe('5 december 2026');
  });
});

describe('who is who: identity numbers and shortcuts as people read them', () => {
  it('shows a personnummer as ÅÅÅÅMMDD-NNNN and an organisationsnummer as NNNNNN-NNNN', () => {
    expect(formatIdentity('199001012385')).toBe('19900101-2385');
    expect(formatIdentity('19900101-2385')).toBe('19900101-2385');
    expect(formatOrgNumber('5566778899')).toBe('556677-8899');
    expect(formatOrgNumber('556677-8899')).toBe('556677-8899');
  });
  it('leaves a half-typed number as it is rather than inventing a hyphen', () => {
    expect(formatIdentity('1990')).toBe('1990');
    expect(formatOrgNumber('55667')).toBe('55667');
  });
  it('names the undo shortcut the way the platform does', () => {
    expect(undoShortcut('MacIntel')).toBe('⌘Z');
    expect(undoShortcut('Linux x86_64')).toBe('Ctrl+Z');
    expect(undoShortcut('Win32')).toBe('Ctrl+Z');
  });
});
