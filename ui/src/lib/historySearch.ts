import type { HistoryEntry, Language } from './backend/types';
import { formatMonth } from './format';

/**
 * Whether a history entry matches what the user typed: every word must appear in the tx-id,
 * the person's or assistant's name, the month (`2026-10` or `oktober 2026`), the report id or
 * the document hash. Case does not matter.
 */
export function matchesHistory(h: HistoryEntry, query: string, lang: Language): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = [
    h.tx_id ?? '',
    h.person_name,
    h.assistant_name,
    h.month,
    formatMonth(h.month, lang),
    h.report_id,
    h.document_sha256,
  ]
    .join(' ')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}
