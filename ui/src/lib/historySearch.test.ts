import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './backend/types';
import { matchesHistory } from './historySearch';

const entry: HistoryEntry = {
  submission_id: '7',
  report_id: '0a4e9b2c-5d1f-4e8a-b7c3-2f6d8e9a1b02',
  version: 2,
  month: '2026-10',
  person_name: 'Åsa Öberg-Lind',
  assistant_name: 'Erik Johansson',
  queued_at: '2026-11-02T09:00:00Z',
  sent_at: '2026-11-02T09:00:01Z',
  state: 'accepted',
  tx_id: '6F1C2E7A-3B9D-4C1E-9A55-0C2D7E8F9A10',
  fk_message: null,
  document_sha256: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea',
  signed_by: [],
  attempts: 1,
};

describe('searching the history', () => {
  it('finds by tx-id whatever its case', () => {
    expect(matchesHistory(entry, '6f1c2e7a', 'sv')).toBe(true);
  });
  it('finds by person and month together ("what was sent for Åsa in October")', () => {
    expect(matchesHistory(entry, 'åsa oktober', 'sv')).toBe(true);
    expect(matchesHistory(entry, 'åsa 2026-10', 'sv')).toBe(true);
    expect(matchesHistory(entry, 'åsa september', 'sv')).toBe(false);
  });
  it('finds by assistant, and an empty search shows everything', () => {
    expect(matchesHistory(entry, 'johansson', 'en')).toBe(true);
    expect(matchesHistory(entry, '   ', 'sv')).toBe(true);
    expect(matchesHistory(entry, 'fatima', 'sv')).toBe(false);
  });
});
