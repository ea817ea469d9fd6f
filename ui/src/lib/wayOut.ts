/**
 * A way out of every submission state (issue 21): the pure logic of the submission card and of
 * "Kontrollera en fil": how the card shows what the back end (assistid_app::answers) answered.
 * A typed tx-id is checked by the back end alone.
 */
import type { MessageKey } from './i18n';
import type { Fixer } from './backend/types';

/** The label of who fixes a problem. */
export function fixerKey(fixer: Fixer): MessageKey {
  return `wayout.fixer.${fixer}` as MessageKey;
}

/** Submission states that get the card (a way out), and those that do not need one. */
export function needsCard(state: string): boolean {
  return state === 'uncertain' || state === 'rejected' || state === 'failed_final';
}

/** How a file check is shown: good (exactly what was sent), warn (ours, but not sent or not
 * exact), bad (changed, unknown, not a report). */
export function verdictTone(verdict: string): 'ok' | 'warn' | 'err' {
  switch (verdict) {
    case 'sent':
      return 'ok';
    case 'signed_not_sent':
    case 'draft':
    case 'same_content_other_bytes':
      return 'warn';
    default:
      return 'err';
  }
}

/** The screen a "fix it here" link opens (only screens the app has). */
export function fixHref(screen: string): string {
  return screen === 'month' ? '#/month' : '#/register';
}

/** A request time to quote to FK: local date and time to the second, `2026-11-20 14:03:07`. */
export function formatRequestTime(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Submissions of `month` waiting for the next run: "Skicka igen" on an uncertain one puts it
 * there, so the Skicka button must count them as well as the newly ready reports. */
export function waitingForNextRun<T extends { month: string; state: string }>(items: T[], month: string): T[] {
  return items.filter((i) => i.month === month && (i.state === 'queued' || i.state === 'failed_will_retry'));
}
