import { describe, expect, it } from 'vitest';
import { fixHref, fixerKey, formatRequestTime, needsCard, verdictTone, waitingForNextRun } from './wayOut';
import { sv } from './i18n/sv';

describe('the submission card', () => {
  it('is shown for every state that needs a decision or an explanation, and no other', () => {
    for (const s of ['uncertain', 'rejected', 'failed_final']) expect(needsCard(s)).toBe(true);
    for (const s of ['queued', 'sending', 'accepted', 'failed_will_retry', 'abandoned']) expect(needsCard(s)).toBe(false);
  });

  it('names who fixes it with a message of its own for every fixer', () => {
    for (const f of ['vendor', 'coordinator', 'settings', 'check_with_fk', 'nobody'] as const) {
      expect(sv[fixerKey(f)], f).toBeTruthy();
    }
  });

  it('links a value to fix only to screens the app has', () => {
    expect(fixHref('register')).toBe('#/register');
    expect(fixHref('month')).toBe('#/month');
    expect(fixHref('elsewhere')).toBe('#/register');
  });
});

describe('a file check', () => {
  it('is good only when the file is exactly what FK received', () => {
    expect(verdictTone('sent')).toBe('ok');
    expect(verdictTone('same_content_other_bytes')).toBe('warn');
    expect(verdictTone('signed_not_sent')).toBe('warn');
    expect(verdictTone('changed')).toBe('err');
    expect(verdictTone('unknown')).toBe('err');
    expect(verdictTone('not_a_report')).toBe('err');
  });
});

describe('the time of the request', () => {
  it('is shown with its date and to the second, in local time, for quoting to FK', () => {
    const ts = '2026-11-21T10:05:07Z';
    const d = new Date(ts);
    const p = (n: number) => String(n).padStart(2, '0');
    expect(formatRequestTime(ts)).toBe(
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:07`,
    );
    expect(formatRequestTime('not a time')).toBe('not a time');
  });
});
