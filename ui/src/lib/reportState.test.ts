import { describe, expect, it } from 'vitest';
import { deriveReportState, nextAction } from './reportState';

const base = {
  shift_count: 20,
  error_count: 0,
  signed_by_assistant_at: null,
  signed_by_provider_at: null,
  submission_state: null,
} as const;

describe('report state', () => {
  it('walks the normal path', () => {
    expect(deriveReportState({ ...base, shift_count: 0 })).toBe('needs_data');
    expect(deriveReportState({ ...base, error_count: 2 })).toBe('has_errors');
    expect(deriveReportState(base)).toBe('ready_to_sign');
    expect(deriveReportState({ ...base, signed_by_assistant_at: 't' })).toBe('signed_by_assistant');
    expect(deriveReportState({ ...base, signed_by_assistant_at: 't', signed_by_provider_at: 't' })).toBe('signed_by_provider');
    expect(deriveReportState({ ...base, signed_by_assistant_at: 't', signed_by_provider_at: 't', submission_state: 'accepted' })).toBe('sent');
  });

  it("lets FK's answer win", () => {
    expect(deriveReportState({ ...base, submission_state: 'rejected' })).toBe('rejected');
    expect(deriveReportState({ ...base, submission_state: 'uncertain' })).toBe('uncertain');
  });

  it('shows reports on their way as signed by the provider', () => {
    for (const s of ['queued', 'sending', 'failed_will_retry'] as const)
      expect(deriveReportState({ ...base, signed_by_assistant_at: 't', signed_by_provider_at: 't', submission_state: s }), s).toBe('signed_by_provider');
  });

  it('says what to do next', () => {
    expect(nextAction('has_errors')).toBe('fix');
    expect(nextAction('rejected')).toBe('fix');
    expect(nextAction('uncertain')).toBe('check');
    expect(nextAction('sent')).toBe('none');
  });
});
