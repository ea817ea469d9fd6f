/** The one word the overview shows per report, derived from the facts the back end gives. */
import type { ReportSummary } from './backend/types';

export type ReportState =
  | 'needs_data'
  | 'has_errors'
  | 'ready_to_sign'
  | 'signed_by_assistant'
  | 'signed_by_provider'
  | 'sent'
  | 'rejected'
  | 'uncertain';

/** In the order a report normally moves through them (for sorting and counting). */
export const REPORT_STATES: readonly ReportState[] = [
  'needs_data',
  'has_errors',
  'ready_to_sign',
  'signed_by_assistant',
  'signed_by_provider',
  'sent',
  'rejected',
  'uncertain',
];

type Facts = Pick<
  ReportSummary,
  'shift_count' | 'error_count' | 'signed_by_assistant_at' | 'signed_by_provider_at' | 'submission_state'
>;

/**
 * FK's answer wins (accepted → sent, rejected, uncertain). A report still queued, being sent, or
 * waiting for a retry is shown as signed by the provider (the Submit screen shows the details).
 * Otherwise: no shifts → needs data; errors → has errors; then the signatures of the current
 * version (the back end clears them when the report changes).
 */
export function deriveReportState(r: Facts): ReportState {
  switch (r.submission_state) {
    case 'accepted':
      return 'sent';
    case 'rejected':
      return 'rejected';
    case 'uncertain':
      return 'uncertain';
    default:
      break;
  }
  if (r.shift_count === 0) return 'needs_data';
  if (r.error_count > 0) return 'has_errors';
  if (r.signed_by_provider_at !== null) return 'signed_by_provider';
  if (r.signed_by_assistant_at !== null) return 'signed_by_assistant';
  return 'ready_to_sign';
}

/** What the coordinator can do next with a report in this state. */
export function nextAction(state: ReportState): 'enter_shifts' | 'fix' | 'sign_assistant' | 'sign_provider' | 'submit' | 'none' | 'check' {
  switch (state) {
    case 'needs_data':
      return 'enter_shifts';
    case 'has_errors':
    case 'rejected':
      return 'fix';
    case 'ready_to_sign':
      return 'sign_assistant';
    case 'signed_by_assistant':
      return 'sign_provider';
    case 'signed_by_provider':
      return 'submit';
    case 'uncertain':
      return 'check';
    case 'sent':
      return 'none';
  }
}
