/**
 * The UI's whole view of its back end. Two implementations:
 *  - `DemoBackend` (./demo.ts): browser-only, replays the answers the real Rust demo gave
 *    (./fixtures, recorded by src-tauri's spec test `fixtures`), for UI development and tests;
 *  - the Tauri one (to come): each method is one `invoke('<snake_case_name>', args)` of a Tauri
 *    command that delegates to the `app` crate; subscriptions use Tauri events (`listen`).
 *
 * Every method rejects with an `IpcError` ({code, message, message_code, params}) on failure.
 * Times are never read here; the UI passes "today" where a screen needs it.
 */
import type {
  Assistant,
  CertificatePurpose,
  ChosenFile,
  Environment,
  Grant,
  HistoryEntry,
  Id12,
  ImportFile,
  ImportPreview,
  ImportResult,
  Language,
  Month,
  MonthGridData,
  MonthOverview,
  PersonDetails,
  PersonWithAssistance,
  Provider,
  RawFkAnswer,
  Reminders,
  RegisterData,
  Settings,
  ShiftInput,
  ShiftRecord,
  CallInitiator,
  SignerRole,
  SignOrder,
  SignStatus,
  SimulatedBankIdAction,
  SubmissionItem,
  SubmissionQueue,
  WrittenFile,
  FileCheck,
  ResolveDecision,
  SubmissionDetail,
  RelaySettings,
  SupportContact,
  Deadline,
  DstYear,
  IsoDate,
} from './types';

/** Stops a subscription (Tauri's `UnlistenFn`). */
export type Unsubscribe = () => void;

export interface Backend {
  // ---- overview
  /** Every report of the month with the facts its state is derived from. */
  monthOverview(month: Month): Promise<MonthOverview>;

  // ---- register (rejects with an IpcError whose message names the field and the value)
  register(): Promise<RegisterData>;
  saveProvider(provider: Provider): Promise<Provider>;
  savePerson(person: PersonWithAssistance): Promise<PersonWithAssistance>;
  deletePerson(personnummer: Id12): Promise<void>;
  saveAssistant(assistant: Assistant): Promise<Assistant>;
  deleteAssistant(id: Id12): Promise<void>;

  // ---- a person's team (the month grid's columns) and decisions from FK (granted hours)
  personDetails(person: Id12): Promise<PersonDetails>;
  addTeamMember(person: Id12, assistant: Id12): Promise<PersonDetails>;
  /** The assistant's shifts and reports stay; only the column goes. */
  removeTeamMember(person: Id12, assistant: Id12): Promise<PersonDetails>;
  /** Rejects with an IpcError naming the field for a mistyped or overlapping decision. */
  addGrant(grant: Grant): Promise<PersonDetails>;
  removeGrant(person: Id12, id: number): Promise<PersonDetails>;

  // ---- month grid
  monthGrid(month: Month, person: Id12): Promise<MonthGridData>;
  /** Rejects with `ambiguous_time` / `nonexistent_time` if the back end cannot resolve a time. */
  addShift(shift: ShiftInput): Promise<ShiftRecord>;
  updateShift(id: string, shift: ShiftInput): Promise<ShiftRecord>;
  deleteShift(id: string): Promise<void>;

  // ---- import
  /**
   * Hands over the file the user picked in the screen's file input (the webview's own OS
   * dialog): its name and bytes. The back end never opens a path the user did not choose.
   */
  openImportFile(file: ImportFile): Promise<ChosenFile>;
  previewImport(file: ChosenFile): Promise<ImportPreview>;
  /** Replaces one data row's values (a fix typed in the preview) and previews again. */
  fixImportRow(fileToken: string, row: number, values: string[]): Promise<ImportPreview>;
  /** Stores the valid rows; `skipRows` are left out on purpose. */
  commitImport(fileToken: string, skipRows: number[]): Promise<ImportResult>;
  /** Leaves the import without storing: the back end deletes its copy of the file. */
  cancelImport(fileToken: string): Promise<void>;

  // ---- signing with BankID
  /**
   * Starts an order for one report, signed by its assistant or by the provider: with the QR
   * code, or given `callInitiator` (who called whom) as a BankID phone order during a call.
   */
  startSigning(reportId: string, role: SignerRole, callInitiator?: CallInitiator): Promise<SignOrder>;
  /** Starts one provider order covering every report of the month that is ready for it. */
  startProviderBatch(month: Month, callInitiator?: CallInitiator): Promise<SignOrder>;
  /** The animated QR code for now, as an SVG document; call every second. */
  qrFrame(orderRef: string): Promise<string>;
  /** Status events (RFA messages) until `complete`/`failed`; the current status comes first. */
  onSignStatus(orderRef: string, listener: (status: SignStatus) => void): Promise<Unsubscribe>;
  cancelSigning(orderRef: string): Promise<void>;
  /** Opens `bankid:///?autostarttoken=…` through the OS (same-device start). */
  openBankIdOnThisComputer(orderRef: string): Promise<void>;
  /** Demo only: acts as the signer's BankID app. Rejects with `not_demo` outside demo. */
  simulateBankIdApp(orderRef: string, action: SimulatedBankIdAction): Promise<void>;

  // ---- submission to FK
  /** Queues every provider-signed report of the month; sending is paced at FK's rate. */
  submit(month: Month): Promise<SubmissionQueue>;
  submissionQueue(): Promise<SubmissionQueue>;
  onSubmissionProgress(listener: (item: SubmissionItem) => void): Promise<Unsubscribe>;

  // ---- history, receipts, invoice figures, reminders
  /** Every submission of every report version, newest first. */
  history(): Promise<HistoryEntry[]>;
  /** Writes the month's receipt (PDF + JSON) and says where. */
  exportReceipt(month: Month): Promise<WrittenFile>;
  /** Writes one PDF per assistant with their reports as sent. */
  exportAssistantCopies(month: Month): Promise<WrittenFile>;
  /** Writes the invoice figures (FK 3057 / E-RÄK) per person, PDF and CSV. */
  exportInvoice(month: Month): Promise<WrittenFile>;
  /** The month's deadline, what is missing, and the assistants to remind with their phones. */
  reminders(month: Month): Promise<Reminders>;
  /** Opens an exported file or folder with the operating system's own program. */
  openExport(path: string): Promise<void>;
  /** FK's raw answers (the SOAP bodies, as received), attempt by attempt, for one submission. */
  rawFkAnswer(submissionId: string): Promise<RawFkAnswer>;

  // ---- a way out of every state (issue 21)
  /** One submission: the request time to quote to FK, the audit trail, FK's answer explained. */
  submissionDetail(submissionId: string): Promise<SubmissionDetail>;
  /** The decision on an uncertain submission; rejects with `invalid_input` for a bad tx-id. */
  resolveSubmission(submissionId: string, decision: ResolveDecision): Promise<SubmissionDetail>;
  /** Writes the diagnostics bundle for the vendor's support (no personal data), says where. */
  writeDiagnostics(submissionId: string): Promise<WrittenFile>;
  /** "Kontrollera en fil": is this report file exactly one that was sent from here? */
  checkReportFile(file: ImportFile): Promise<FileCheck>;
  /** The vendor's support contact (Settings → "Leverantörens support"); `described` says how it reads. */
  supportContact(): Promise<SupportContact>;
  /** Saves the vendor's support contact; rejects with `invalid_input` naming a mistyped field. */
  setSupportContact(contact: SupportContact): Promise<SupportContact>;

  // ---- sending through the vendor's relay (issue 17)
  /** How the folder sends, and what it is enrolled as at the vendor's relay. */
  relaySettings(): Promise<RelaySettings>;
  /**
   * "Anslut": enrols the folder with the relay at `address` with the vendor's one-time `code`
   * and, when the vendor gave one, the relay's CA file; from then on reports go through it.
   * Rejects with the relay's refusal (`relay_enrolment_refused`, `relay_other_provider`, …).
   */
  enrolRelay(address: string, code: string, caFile: ImportFile | null): Promise<RelaySettings>;
  /** "Sluta skicka via leverantören": back to sending with the folder's own FK certificate. */
  leaveRelay(): Promise<RelaySettings>;

  // ---- the calendar (issue 19: the rules are Rust's; the UI only shows the answers)
  /** The nights the clocks change in `year`, with the wall-clock times each skips or repeats. */
  dstChanges(year: number): Promise<DstYear>;
  /** FK's deadline for `month` seen on `today`; with `month` null, for the month due next. */
  deadline(month: Month | null, today: IsoDate): Promise<Deadline>;

  // ---- settings
  settings(): Promise<Settings>;
  setEnvironment(environment: Environment): Promise<Settings>;
  setLanguage(language: Language): Promise<Settings>;
  /** Opens the OS dialog for a PKCS#12 file; the password goes to the OS keychain. */
  importCertificate(purpose: CertificatePurpose, password: string): Promise<Settings>;
}
