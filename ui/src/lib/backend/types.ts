/**
 * The shapes the UI exchanges with its back end.
 *
 * TEMPORARY, HAND-WRITTEN: these types will be REPLACED by generated bindings (ts-rs or
 * tauri-specta) once the Tauri shell (`src-tauri`) exists, and must never be hand-edited after
 * that. Until then they mirror the JSON the Rust crates already produce, with field names in
 * snake_case exactly as serde serializes them:
 *   - `MonthReview`, `ReportReview`, `ReportRow`, `Issue`, `Totals`: schemas/review.schema.json
 *     (crates/core/src/review.rs);
 *   - `Provider`, `PersonWithAssistance`, `Assistant`, `Employment`, `CalculationPeriod`,
 *     `TimeKind`, `Occurrence`, `ShiftTime`: crates/core/src/{model,time}.rs;
 *   - `ImportProblem`, `ImportCounts`, `SourceInfo`: crates/import/src/{problem,preview}.rs.
 * Shapes marked "UI-proposed" do not exist in Rust yet; the Tauri engineer may reshape them, and
 * the screens follow the generated types.
 */

/** `YYYY-MM`, a report month (redovisningsmånad). */
export type Month = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** An RFC 3339 UTC timestamp. */
export type Timestamp = string;
/** A 12-digit personnummer / samordningsnummer, as the review JSON gives it. */
export type Id12 = string;

/**
 * Every error that crosses the IPC boundary (generated `IpcError` in generated/ipc.ts, plus the
 * UI-proposed `field` naming the form field). Render it with `te()` (i18n/locale.svelte.ts),
 * which builds the text again from `message_code` and `params` in the current language.
 */
export interface IpcError {
  /** Stable snake_case machine code. */
  code: string;
  /** Text for coordinators in the language of the moment it was made: what is wrong and where. */
  message: string;
  /**
   * The message's own stable code (a key of `RUST_MESSAGES`, generated/messages.ts); empty or
   * absent for a message not built from one.
   */
  message_code?: string;
  /**
   * The message's parameters by name; a parameter that is a message of its own (`what`) also
   * gives its code (`what@code`) and parameters (`what@name`).
   */
  params?: Record<string, string>;
  /** The form field the error belongs to, for inline validation. */
  field?: string;
}

/** Narrow an unknown rejection to an IpcError. */
export function isIpcError(e: unknown): e is IpcError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as IpcError).code === 'string' &&
    typeof (e as IpcError).message === 'string'
  );
}

// ---------------------------------------------------------------- core vocabulary

/** `TimeKind` (core/model.rs). */
export type TimeKind = 'aktiv' | 'vante' | 'beredskap';
export const TIME_KINDS: readonly TimeKind[] = ['aktiv', 'vante', 'beredskap'];

/** `Occurrence` (core/time.rs): which of the two repeated autumn times is meant. */
export type Occurrence = 'first' | 'second';

/** `ShiftTime` (core/time.rs): a resolved Europe/Stockholm wall-clock reading. */
export interface ShiftTime {
  /** `YYYY-MM-DDTHH:MM:SS`, no offset. */
  local: string;
  /** Minutes east of UTC: 120 (summer) or 60 (winter). */
  offset_minutes: number;
}

/** `Provider` (core/model.rs). */
export interface Provider {
  name: string;
  org_number: string;
  contact_person: string | null;
  phone: string;
}

/** `PersonWithAssistance` (core/model.rs). */
export interface PersonWithAssistance {
  personnummer: Id12;
  first_name: string;
  last_name: string;
}

/** `Employment` (core/model.rs, `#[serde(tag = "type")]`). */
export type Employment =
  | { type: 'provider' }
  | { type: 'other_employer'; name: string | null; org_number: string }
  | { type: 'self_employed' }
  | { type: 'person_with_assistance' };

/** `PeriodLength` (core/model.rs, `#[serde(tag = "unit", content = "count")]`). */
export type PeriodLength = { unit: 'days'; count: number } | { unit: 'months'; count: number };

/** `CalculationPeriod` (core/model.rs). */
export interface CalculationPeriod {
  start: IsoDate;
  length: PeriodLength;
}

/** `Assistant` (core/model.rs). */
export interface Assistant {
  id: Id12;
  first_name: string;
  last_name: string;
  phone: string | null;
  collective_agreement: boolean;
  employment: Employment;
  calculation_period: CalculationPeriod | null;
}

/** The whole register (UI-proposed: one call for the Register screen). */
export interface RegisterData {
  provider: Provider | null;
  persons: PersonWithAssistance[];
  assistants: Assistant[];
}

// ---------------------------------------------------------------- review (review.schema.json)

export type Severity = 'error' | 'warning';

/** `issue` in review.schema.json. `fix` is UI-proposed: the suggested fix, when there is one. */
export interface Issue {
  severity: Severity;
  code: string;
  message: string;
  shift?: number;
  other_shift?: number;
  date?: IsoDate;
  person?: Id12;
  assistant?: Id12;
  fix?: string;
}

/** `kindTotal` in review.schema.json. */
export interface KindTotal {
  clock_minutes: number;
  real_minutes: number;
}

export interface Totals {
  aktiv: KindTotal;
  vante: KindTotal;
  beredskap: KindTotal;
}

/** `row` in review.schema.json: one FK report row (a shift split at midnight). */
export interface ReportRow {
  day: number;
  /** `HH.MM`; `24.00` ends a row at midnight. */
  from: string;
  to: string;
  kind: TimeKind;
  clock_minutes: number;
  real_minutes: number;
  fk_minutes: number;
  /** "+1 h, vintertid" / "−1 h, sommartid" / null. */
  dst_note: string | null;
}

/** `report` in review.schema.json. */
export interface ReportReview {
  id: string | null;
  month: Month;
  person: Id12;
  person_name: string;
  assistant: Id12;
  assistant_name: string;
  calculation_periods: { from: IsoDate; to: IsoDate }[];
  rows: ReportRow[];
  totals: Totals;
  errors: Issue[];
  warnings: Issue[];
}

/** The month review (review.schema.json root). */
export interface MonthReview {
  month: Month;
  reports: ReportReview[];
  errors: Issue[];
  warnings: Issue[];
}

// ---------------------------------------------------------------- overview (UI-proposed)

/** Where a report is on its way to FK; the UI derives the label with `deriveReportState`. */
import type { BankIdTestService, FkService, SubmissionState } from './generated/ipc';
export type { SubmissionState };

/** The facts the back end knows about one report (assistant × person × month). */
export interface ReportSummary {
  /** The current version's id; null when no document can be made yet. */
  report_id: string | null;
  version: number;
  month: Month;
  person: Id12;
  person_name: string;
  assistant: Id12;
  assistant_name: string;
  shift_count: number;
  error_count: number;
  warning_count: number;
  /** Set while the CURRENT version carries the assistant's signature. */
  signed_by_assistant_at: Timestamp | null;
  signed_by_provider_at: Timestamp | null;
  submission_state: SubmissionState | null;
}

export interface MonthOverview {
  month: Month;
  reports: ReportSummary[];
  /** Problems of the month as a whole (e.g. provider phone missing). */
  errors: Issue[];
  warnings: Issue[];
  /** Granted against used hours for every person with a decision from FK in the month. */
  granted_hours: GrantUsage[];
}

// ---------------------------------------------------------------- month grid (UI-proposed)

/** A stored shift with what the back end computed for it. */
export interface ShiftRecord {
  /** Stable id (store row id). */
  id: string;
  person: Id12;
  assistant: Id12;
  start: ShiftTime;
  end: ShiftTime;
  kind: TimeKind;
  note: string | null;
  /** Wall-clock minutes (as FK's document reads them). */
  clock_minutes: number;
  /** Minutes actually worked (differs across a DST change). */
  real_minutes: number;
  dst_note: string | null;
}

/** What the UI sends to add or change a shift. Local date-times `YYYY-MM-DDTHH:MM`. */
export interface ShiftInput {
  person: Id12;
  assistant: Id12;
  start: string;
  /** Needed only when `start` falls in the repeated autumn hour. */
  start_occurrence: Occurrence | null;
  end: string;
  end_occurrence: Occurrence | null;
  kind: TimeKind;
  note: string | null;
}

/** Everything the Month screen needs for one person. */
export interface MonthGridData {
  month: Month;
  person: PersonWithAssistance;
  /** Columns, in display order. */
  assistants: { id: Id12; name: string }[];
  shifts: ShiftRecord[];
  /** One review per assistant with shifts: rows with clock/real minutes, DST notes, totals, issues. */
  reports: ReportReview[];
  /** Month-wide problems concerning this person. */
  errors: Issue[];
  warnings: Issue[];
  /** The assistants in the person's team (the other columns worked this month without being in it). */
  team: Id12[];
  /** The person's granted against used hours in the month. */
  granted_hours: GrantUsage[];
}

// ---------------------------------------------------------------- import (crates/import)

// The shapes of import, signing and submission come from the generated bindings (src-tauri's
// ipc.rs); the UI never redefines them, so they cannot drift apart.
export type {
  ChosenFile,
  ImportCounts,
  ImportFile,
  ImportPreview,
  ImportProblem,
  ImportResult,
  ImportRow,
  ImportRowStatus,
  RawAttempt,
  RawFkAnswer,
  CallInitiator,
  SignerRole,
  SignMessage,
  SignOrder,
  SignPhase,
  SignStatus,
  SimulatedBankIdAction,
  SourceInfo,
  SubmissionItem,
  SubmissionQueue,
  WrittenFile,
} from './generated/ipc';

// ---------------------------------------------------------------- the vendor's relay (issue 17)

export type { RelaySettings, SendingMode } from './generated/ipc';

// ---------------------------------------------------------------- history

export type { AssistantToRemind, HistoryEntry, MissingReport, Reminders } from './generated/ipc';

// ---------------------------------------------------------------- a way out of every state (issue 21)

export type {
  AnswerAdvice,
  CheckedSending,
  CheckedSigner,
  FileCheck,
  FixAt,
  Fixer,
  RequestTime,
  ResolveDecision,
  SubmissionDetail,
  SupportContact,
  TrailEntry,
} from './generated/ipc';

// ---------------------------------------------------------------- teams and granted hours

export type { Grant, GrantPeriod, GrantUsage, PersonDetails, TeamMember, UsageLevel } from './generated/ipc';
import type { GrantUsage } from './generated/ipc';

// ---------------------------------------------------------------- settings

export type Environment = 'demo' | 'test' | 'prod';
export type Language = 'sv' | 'en';
export type CertificatePurpose = 'fk_client' | 'bankid_rp';

export interface CertificateInfo {
  purpose: CertificatePurpose;
  subject: string;
  issuer: string;
  not_after: Timestamp;
  /** Whether the PKCS#12 password is stored in the OS keychain. */
  password_in_keychain: boolean;
}

/** Which of the desktop app's data folders is open: the demo's, or the one for real data. */
export type Workspace = 'demo' | 'real';

export interface Settings {
  environment: Environment;
  language: Language;
  certificates: CertificateInfo[];
  /** `demo` or `real`: what the open data folder holds. */
  data_kind?: string;
  /** False while a real data folder has no environment chosen yet. */
  environment_chosen?: boolean;
  /** Which data folder is open (the desktop app keeps demo and real data apart). */
  workspace?: Workspace;
  /** The open data folder's path. */
  data_folder?: string;
  /**
   * FK's test and production services in a folder for real data: the address and which server
   * certificates are trusted (the desktop app; absent for the demo).
   */
  fk_services?: FkService[];
  /**
   * BankID's test service in a folder for real data: its address, the CA file its TLS
   * certificate chains to and an extra user-certificate root (the desktop app; absent for the
   * demo). Production is always BankID's own.
   */
  bankid_test?: BankIdTestService;
}



// ---------------------------------------------------------------- calendar (issue 19: asked of Rust)

export type { ClockChange, Deadline, DeadlineUrgency, DstNight, DstYear, LocalTimeClass } from './generated/ipc';
