/**
 * The browser stand-in's part of issue 21 (a way out of every state): canned explanations that
 * follow the app crate's table (crates/app/src/answers.rs) for the states the demo shows, and a
 * file check that recognises the demo's own report ids. The real answers come from Rust.
 */
import type { AnswerAdvice, FileCheck, HistoryEntry, SubmissionDetail, SubmissionItem } from './types';

const FK_SUPPORT = 'Försäkringskassans partnersupport, 0771-17 90 00 (säg att du ringer som assistansanordnare)';
const VENDOR_SUPPORT =
  'Assistids support: skicka felrapporten till den supportadress som står i ert avtal med leverantören, och berätta kort vad du gjorde. Felrapporten innehåller inga personnummer, namn eller tider.';

const UNCERTAIN: AnswerAdvice = {
  code: 'elt_connection_lost',
  fk_name: null,
  headline: 'Förbindelsen bröts innan svaret kom',
  meaning: 'Tidredovisningen skickades, men förbindelsen bröts innan Försäkringskassan svarade. Den kan ha kommit fram.',
  fixer: 'check_with_fk',
  what_to_do:
    'Ring Försäkringskassans partnersupport och fråga om tidredovisningen kom fram; ange tiden då den skickades. Har FK den: välj "FK fick den" och skriv in tx-id som FK läser upp. Har FK den inte: välj "Skicka igen". Ska den inte skickas alls: välj "Skicka inte".',
  diagnostics: false,
  fk_text_plain: null,
  fix_at: null,
  fk_text: null,
  fk_support: FK_SUPPORT,
  vendor_support: null,
};

function signatureRejection(fkText: string | null): AnswerAdvice {
  return {
    code: 'elt_signature_validation',
    fk_name: 'SignatureValidationError',
    headline: 'Försäkringskassan godtog inte BankID-underskrifterna',
    meaning:
      'Försäkringskassan tog emot tidredovisningen men kunde inte kontrollera underskrifterna. Assistid kontrollerar varje underskrift innan den sparas, så felet ligger troligen i hur underskriften skickades, inte hos den som skrev under. Rapporten är inte inskickad.',
    fixer: 'vendor',
    what_to_do:
      'Skapa en felrapport till leverantören och skicka den till Assistids support. Supporten säger om assistenten och anordnaren ska skriva under på nytt; gör det inte innan dess.',
    diagnostics: true,
    fk_text_plain: null,
    fix_at: null,
    fk_text: fkText,
    fk_support: FK_SUPPORT,
    vendor_support: VENDOR_SUPPORT,
  };
}

/** The card's facts for a demo submission (from the queue, or from the history only). */
export function demoDetail(item: SubmissionItem, history: HistoryEntry | undefined): SubmissionDetail {
  const at = history?.sent_at ?? history?.queued_at ?? null;
  const advice =
    item.state === 'uncertain' ? UNCERTAIN : item.state === 'rejected' ? signatureRejection(item.fk_message) : null;
  const trail = at
    ? [
        { at, kind: 'submission_queued', text: 'Lagd i kön för att skickas' },
        { at, kind: 'submission_sending', text: 'Skickas till Försäkringskassan (försök 1)' },
      ]
    : [];
  if (at && item.state !== 'queued' && item.state !== 'sending')
    trail.push({ at, kind: `submission_${item.state}`, text: stateText(item.state) });
  return {
    item,
    environment: 'demo',
    document_sha256: history?.document_sha256 ?? '',
    request_at: at,
    requests: at ? [{ attempt: 1, at, outcome: item.state, http_status: item.state === 'uncertain' ? null : 200 }] : [],
    trail,
    advice,
    can_resolve: item.state === 'uncertain',
  };
}

function stateText(state: string): string {
  switch (state) {
    case 'accepted':
      return 'Försäkringskassan tog emot den (tx-id i kvittot)';
    case 'rejected':
      return 'Försäkringskassan avvisade den';
    case 'uncertain':
      return 'Inget säkert svar: oklart om den kom fram';
    case 'abandoned':
      return 'Beslut: skicka inte';
    default:
      return state;
  }
}

/** An item shaped from a history entry (the demo's older months keep only the history). */
export function itemFromHistory(h: HistoryEntry): SubmissionItem {
  return {
    submission_id: h.submission_id,
    report_id: h.report_id,
    version: h.version,
    month: h.month,
    person_name: h.person_name,
    assistant_name: h.assistant_name,
    state: h.state,
    attempts: h.attempts,
    tx_id: h.tx_id,
    fk_message: h.fk_message,
    explanation: null,
    next_attempt_at: null,
  };
}

/** "Kontrollera en fil" in the demo: the demo has no XML files, so only its report ids count. */
export function demoFileCheck(text: string, sha256: string, history: HistoryEntry[]): FileCheck {
  const base: FileCheck = {
    verdict: 'not_a_report',
    headline: 'Filen är ingen tidredovisning',
    meaning:
      'Filen går inte att läsa som en tidredovisning till Försäkringskassan (XML-filen med en rapport). Välj rätt fil — till exempel en som har sparats med Exportera rapporter.',
    file_sha256: sha256,
    canonical_sha256: null,
    report_id: null,
    month: null,
    version: null,
    person: null,
    assistant: null,
    signers: [],
    sendings: [],
  };
  if (!text.trimStart().startsWith('<')) return base;
  const sent = history.find((h) => h.state === 'accepted' && text.includes(h.report_id));
  if (!sent)
    return {
      ...base,
      verdict: 'unknown',
      headline: 'Okänd tidredovisning: den är inte gjord i den här mappen',
      meaning:
        'Ingen version med filens id finns i Assistids data här. Filen kan vara gjord i ett annat program, i en annan datamapp eller på en annan dator.',
    };
  return {
    ...base,
    verdict: 'sent',
    headline: `Ja: filen är exakt version ${sent.version} som demoläget tog emot`,
    meaning: `Filens fingeravtryck (SHA-256) är detsamma som för det som skickades. Tx-id ${sent.tx_id ?? ''} är Försäkringskassans kvitto.`,
    report_id: sent.report_id,
    month: sent.month,
    version: sent.version,
    person: sent.person_name,
    assistant: sent.assistant_name,
    canonical_sha256: sent.document_sha256,
    signers: [],
    sendings: [
      {
        submission_id: sent.submission_id,
        environment: 'demo',
        state: 'accepted',
        tx_id: sent.tx_id,
        sent_at: sent.sent_at,
      },
    ],
  };
}
