/**
 * DemoBackend: the BROWSER-ONLY stand-in for the Rust back end, for UI development (`npm run dev`)
 * and UI tests. It holds NO domain rules (issue 19): every answer it gives is one the real Rust
 * demo gave, recorded by src-tauri's spec test `fixtures` into `./fixtures/*.json` at one fixed
 * instant (`today` below) — the demo folder opened as the desktop app opens it, each screen asked
 * through the functions its Tauri command calls. The test fails when a recording is stale;
 * `UPDATE_FIXTURES=1 cargo test -p assistid-desktop --test spec fixtures` records them again.
 *
 * The recordings show the demo month signed and sent (some reports signed by their assistants
 * only, some received by FK, one refused, one uncertain), and `./fixtures/flows.json` holds
 * recorded sequences it plays when the user acts: the uncertain submission's way out (each
 * decision, and Rust's refusal of a mistyped tx-id, keyed by exactly what the UI sends), the
 * sending run of the report still waiting, its progress events at FK's pace, and the provider
 * signing a waiting report with the QR code and by phone (the statuses the desktop's signing
 * desk emits, played when the simulated BankID app approves, then the overview after it), and an import of one recorded file with a
 * mistyped date, fixed in the preview and committed (the month's screens are not recorded after
 * it). Playing a step
 * puts the recorded screens after it in place of those before; nothing is computed. A choice
 * that was not recorded is refused with `not_recorded_choice`.
 *
 * What the browser demo cannot answer from a recording — typing a shift, editing the register,
 * importing any other file, any other signing — it refuses plainly with `desktop_only` ("only in the desktop app"), in
 * the UI's language, rather than computing an answer of its own.
 */
import type { Backend, Unsubscribe } from './backend';
import type {
  ChosenFile,
  Deadline,
  DstYear,
  FileCheck,
  HistoryEntry,
  Id12,
  ImportFile,
  ImportPreview,
  ImportResult,
  IpcError,
  IsoDate,
  Language,
  Month,
  MonthGridData,
  MonthOverview,
  PersonDetails,
  PersonWithAssistance,
  Provider,
  CallInitiator,
  RawFkAnswer,
  SignerRole,
  SignStatus,
  SimulatedBankIdAction,
  ResolveDecision,
  SubmissionItem,
  RegisterData,
  RelaySettings,
  Reminders,
  Settings,
  ShiftRecord,
  SignOrder,
  SubmissionDetail,
  SubmissionQueue,
  SupportContact,
  WrittenFile,
  Assistant,
} from './types';
import { translate } from '../i18n';
import screens from './fixtures/screens.json';
import calendar from './fixtures/calendar.json';
import flows from './fixtures/flows.json';

/** The recorded answers, typed as the commands' answers (the Rust test wrote them from those types). */
interface Screens {
  today: IsoDate;
  month: Month;
  overview: Record<Language, Record<Month, MonthOverview>>;
  month_grid: Record<Month, Record<Id12, MonthGridData>>;
  person_details: Record<Id12, PersonDetails>;
  register: RegisterData;
  reminders: Record<Month, Reminders>;
  history: HistoryEntry[];
  submission_detail: Record<string, Record<Language, SubmissionDetail>>;
  submission_queue: SubmissionQueue;
  settings: Settings;
  relay_settings: RelaySettings;
  support_contact: Record<Language, SupportContact>;
}

interface Calendar {
  today: IsoDate;
  due_next: Deadline;
  deadlines: Record<Month, Deadline>;
  dst_changes: Record<string, DstYear>;
}

/** The screens that change after a recorded step, as Rust answered after it. */
interface After {
  submission_detail: Record<Language, SubmissionDetail>;
  history: HistoryEntry[];
  submission_queue: SubmissionQueue;
  overview: Record<Language, MonthOverview>;
}

/** The recorded sequences (src-tauri/tests/spec/fixtures/later.rs). */
interface Flows {
  rejected_submission_id: string;
  way_out: {
    submission_id: string;
    decisions: { decision: ResolveDecision; after: After }[];
    refusals: { decision: ResolveDecision; error: Record<Language, IpcError> }[];
  };
  send: { month: Month; queued: SubmissionQueue; events: SubmissionItem[]; after: After };
  import: {
    file: ImportFile;
    chosen: ChosenFile;
    preview: Record<Language, ImportPreview>;
    fix: { row: number; values: string[] };
    fixed: Record<Language, ImportPreview>;
    result: ImportResult;
  };
  signing: {
    report_id: string;
    role: SignerRole;
    call_initiator: CallInitiator | null;
    flow: {
      order: SignOrder;
      statuses: Record<Language, SignStatus[]>;
      qr_svg: string | null;
      after: { overview: Record<Language, MonthOverview> };
    };
  }[];
}

const RECORDED = screens as unknown as Screens;
const FLOWS = flows as unknown as Flows;

/** The uncertain submission the recorded way out is for. */
export const DEMO_UNCERTAIN_ID: string = FLOWS.way_out.submission_id;
/** The submission FK refused in the recorded run. */
export const DEMO_REJECTED_ID: string = FLOWS.rejected_submission_id;

/** Whether the UI sent exactly the recorded decision (kind and, for "FK fick den", the tx-id as typed). */
const sameDecision = (a: ResolveDecision, b: ResolveDecision): boolean =>
  a.kind === b.kind && (a.kind !== 'accepted' || (b.kind === 'accepted' && a.tx_id === b.tx_id));

/**
 * `after` (recorded after one step) in place of `before` (recorded before it), keeping in
 * `current` what another step already changed: an entry the step left as it was stays as
 * `current` has it. Lists are matched by `key`.
 */
function played<T>(current: T[], before: T[], after: T[], key: (t: T) => string): T[] {
  const same = (a: T, b: T | undefined) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);
  return after.map((entry) => {
    const k = key(entry);
    const was = before.find((b) => key(b) === k);
    return same(entry, was) ? (current.find((c) => key(c) === k) ?? entry) : entry;
  });
}
const CALENDAR = calendar as unknown as Calendar;

/** The day the recordings were made: the browser demo shows that day, not the computer's. */
export const DEMO_TODAY: IsoDate = RECORDED.today;
/** The demo's month (the one with shifts, across the autumn clock change). */
export const DEMO_DATA_MONTH: Month = RECORDED.month;

const copy = <T>(value: T): T => structuredClone(value);

/** How the browser demo plays a sending run: FK's pace as recorded, or faster (UI tests). */
export interface DemoOptions {
  /** Milliseconds between two recorded progress events; by default one second over FK's rate. */
  eventIntervalMs?: number;
}

export class DemoBackend implements Backend {
  private language: Language = RECORDED.settings.language;
  /** The screens as the steps played so far left them. */
  private history_ = copy(RECORDED.history);
  private queue_ = copy(RECORDED.submission_queue);
  private details = copy(RECORDED.submission_detail);
  private overviews = copy(RECORDED.overview);
  /** The recorded steps played (each plays once: it was recorded from the state before it). */
  private done = new Set<'way_out' | 'send'>();
  private progressListeners = new Set<(item: SubmissionItem) => void>();
  private readonly eventIntervalMs: number | undefined;
  /** The recorded signing flow started, by its order reference, and how far it has played. */
  private signing = new Map<string, { flow: Flows['signing'][number]['flow']; shown: number; approved: boolean }>();
  private signListeners = new Map<string, Set<(status: SignStatus) => void>>();
  /** How far the recorded import has played. */
  private importStep: 'none' | 'chosen' | 'fixed' | 'committed' = 'none';

  constructor(options: DemoOptions = {}) {
    this.eventIntervalMs = options.eventIntervalMs;
  }

  /** The day the browser demo shows (main.ts hands it to the screens instead of the clock). */
  readonly today: IsoDate = DEMO_TODAY;

  /** `desktop_only`: the browser demo replays the Rust demo and cannot do `what` itself. */
  private desktopOnly(): Promise<never> {
    const e: IpcError = {
      code: 'desktop_only',
      message: translate(this.language, 'demo.desktop_only'),
      message_code: '',
      params: {},
    };
    return Promise.reject(e);
  }

  /** `not_recorded`: the user chose something the recorded flows do not have. */
  private choiceNotRecorded(): Promise<never> {
    const e: IpcError = {
      code: 'not_recorded',
      message: translate(this.language, 'demo.not_recorded_choice'),
      message_code: '',
      params: {},
    };
    return Promise.reject(e);
  }

  /** Puts the screens recorded after a step in place of those before it. */
  private play(after: After, submissionId: string, month: Month) {
    const bySubmission = (e: { submission_id: string }) => e.submission_id;
    this.history_ = played(this.history_, RECORDED.history, after.history, bySubmission);
    this.queue_ = {
      ...after.submission_queue,
      items: played(this.queue_.items, RECORDED.submission_queue.items, after.submission_queue.items, bySubmission),
    };
    this.details[submissionId] = after.submission_detail;
    this.playOverview(after.overview, month);
  }

  /** The month's overview recorded after a step in place of the one before it. */
  private playOverview(after: Record<Language, MonthOverview>, month: Month) {
    for (const lang of ['sv', 'en'] as const) {
      const before = RECORDED.overview[lang][month];
      const current = this.overviews[lang][month];
      if (!before || !current) continue;
      const byReport = (r: { report_id: string | null }) => r.report_id ?? '';
      current.reports = played(current.reports, before.reports, after[lang].reports, byReport);
    }
  }

  /** `not_recorded`: the Rust demo was not asked this (another month, another day). */
  private notRecorded(): Promise<never> {
    const e: IpcError = {
      code: 'not_recorded',
      message: translate(this.language, 'demo.not_recorded'),
      message_code: '',
      params: {},
    };
    return Promise.reject(e);
  }

  private answer<T>(value: T | undefined): Promise<T> {
    return value === undefined ? this.notRecorded() : Promise.resolve(copy(value));
  }

  // ---- what the Rust demo answered
  monthOverview(month: Month): Promise<MonthOverview> {
    return this.answer(this.overviews[this.language]?.[month]);
  }
  register(): Promise<RegisterData> {
    return this.answer(RECORDED.register);
  }
  personDetails(person: Id12): Promise<PersonDetails> {
    return this.answer(RECORDED.person_details[person]);
  }
  monthGrid(month: Month, person: Id12): Promise<MonthGridData> {
    return this.answer(RECORDED.month_grid[month]?.[person]);
  }
  history(): Promise<HistoryEntry[]> {
    return this.answer(this.history_);
  }
  reminders(month: Month): Promise<Reminders> {
    return this.answer(RECORDED.reminders[month]);
  }
  submissionQueue(): Promise<SubmissionQueue> {
    return this.answer(this.queue_);
  }
  submissionDetail(submissionId: string): Promise<SubmissionDetail> {
    return this.answer(this.details[submissionId]?.[this.language]);
  }
  relaySettings(): Promise<RelaySettings> {
    return this.answer(RECORDED.relay_settings);
  }
  supportContact(): Promise<SupportContact> {
    return this.answer(RECORDED.support_contact[this.language]);
  }
  settings(): Promise<Settings> {
    return this.answer({ ...RECORDED.settings, language: this.language });
  }
  dstChanges(year: number): Promise<DstYear> {
    return this.answer(CALENDAR.dst_changes[String(year)]);
  }
  deadline(month: Month | null, today: IsoDate): Promise<Deadline> {
    if (today !== CALENDAR.today) return this.notRecorded();
    return this.answer(month === null ? CALENDAR.due_next : CALENDAR.deadlines[month]);
  }

  // ---- the UI's own state
  async setLanguage(language: Language): Promise<Settings> {
    this.language = language;
    return this.settings();
  }
  async onSubmissionProgress(listener: (item: SubmissionItem) => void): Promise<Unsubscribe> {
    this.progressListeners.add(listener);
    return () => {
      this.progressListeners.delete(listener);
    };
  }

  // ---- the recorded flows: the next recorded step when the user acts
  /** The uncertain submission's way out: the answer Rust gave to exactly this decision. */
  resolveSubmission(submissionId: string, decision: ResolveDecision): Promise<SubmissionDetail> {
    const flow = FLOWS.way_out;
    if (submissionId !== flow.submission_id || this.done.has('way_out')) return this.choiceNotRecorded();
    const refusal = flow.refusals.find((r) => sameDecision(r.decision, decision));
    if (refusal) return Promise.reject(copy(refusal.error[this.language]));
    const step = flow.decisions.find((d) => sameDecision(d.decision, decision));
    if (!step) return this.choiceNotRecorded();
    this.done.add('way_out');
    this.play(step.after, submissionId, RECORDED.month);
    return this.answer(step.after.submission_detail[this.language]);
  }

  /** "Skicka": the recorded run of the report still waiting, its events at the recorded pace. */
  submit(month: Month): Promise<SubmissionQueue> {
    const flow = FLOWS.send;
    if (month !== flow.month || this.done.has('send')) return this.choiceNotRecorded();
    this.done.add('send');
    this.queue_ = {
      ...flow.queued,
      items: played(this.queue_.items, RECORDED.submission_queue.items, flow.queued.items, (e) => e.submission_id),
    };
    const interval = this.eventIntervalMs ?? 1000 / Math.max(flow.queued.rate_per_second, 0.001);
    flow.events.forEach((event, i) => {
      setTimeout(() => {
        const last = i === flow.events.length - 1;
        if (last) this.play(flow.after, event.submission_id, flow.month);
        for (const listener of this.progressListeners) listener(copy(event));
      }, interval * (i + 1));
    });
    return this.answer(this.queue_);
  }
  /** The statuses of a recorded signing flow: the one shown now at once, the rest as they play. */
  async onSignStatus(orderRef: string, listener: (status: SignStatus) => void): Promise<Unsubscribe> {
    const listeners = this.signListeners.get(orderRef) ?? new Set();
    listeners.add(listener);
    this.signListeners.set(orderRef, listeners);
    const started = this.signing.get(orderRef);
    const now = started?.flow.statuses[this.language][started.shown];
    if (now) listener(copy(now));
    return () => {
      listeners.delete(listener);
    };
  }

  // ---- only in the desktop app: the browser demo never computes an answer of its own
  saveProvider(): Promise<Provider> {
    return this.desktopOnly();
  }
  savePerson(): Promise<PersonWithAssistance> {
    return this.desktopOnly();
  }
  deletePerson(): Promise<void> {
    return this.desktopOnly();
  }
  saveAssistant(): Promise<Assistant> {
    return this.desktopOnly();
  }
  deleteAssistant(): Promise<void> {
    return this.desktopOnly();
  }
  addTeamMember(): Promise<PersonDetails> {
    return this.desktopOnly();
  }
  removeTeamMember(): Promise<PersonDetails> {
    return this.desktopOnly();
  }
  addGrant(): Promise<PersonDetails> {
    return this.desktopOnly();
  }
  removeGrant(): Promise<PersonDetails> {
    return this.desktopOnly();
  }
  addShift(): Promise<ShiftRecord> {
    return this.desktopOnly();
  }
  updateShift(): Promise<ShiftRecord> {
    return this.desktopOnly();
  }
  deleteShift(): Promise<void> {
    return this.desktopOnly();
  }
  /** The recorded import: only the recorded file (`FLOWS.import.file`), byte for byte. */
  openImportFile(file: ImportFile): Promise<ChosenFile> {
    const rec = FLOWS.import;
    if (file.file_name !== rec.file.file_name || file.content_base64 !== rec.file.content_base64) return this.desktopOnly();
    this.importStep = 'chosen';
    return this.answer(rec.chosen);
  }
  previewImport(file: ChosenFile): Promise<ImportPreview> {
    const rec = FLOWS.import;
    if (file.file_token !== rec.chosen.file_token || this.importStep === 'none' || this.importStep === 'committed') return this.desktopOnly();
    return this.answer((this.importStep === 'fixed' ? rec.fixed : rec.preview)[this.language]);
  }
  /** The recorded fix: exactly the recorded row and values. */
  fixImportRow(fileToken: string, row: number, values: string[]): Promise<ImportPreview> {
    const rec = FLOWS.import;
    if (fileToken !== rec.chosen.file_token || this.importStep === 'none' || this.importStep === 'committed') return this.desktopOnly();
    if (row !== rec.fix.row || JSON.stringify(values) !== JSON.stringify(rec.fix.values)) return this.choiceNotRecorded();
    this.importStep = 'fixed';
    return this.answer(rec.fixed[this.language]);
  }
  /** The recorded commit, after the recorded fix and with no row left out. */
  commitImport(fileToken: string, skipRows: number[]): Promise<ImportResult> {
    const rec = FLOWS.import;
    if (fileToken !== rec.chosen.file_token || this.importStep !== 'fixed' || skipRows.length > 0) return this.choiceNotRecorded();
    this.importStep = 'committed';
    return this.answer(rec.result);
  }
  async cancelImport(): Promise<void> {}
  /** A recorded signing flow for exactly this report, signer and way of starting, if there is one. */
  startSigning(reportId: string, role: SignerRole, callInitiator?: CallInitiator): Promise<SignOrder> {
    const recorded = FLOWS.signing.find(
      (f) => f.report_id === reportId && f.role === role && f.call_initiator === (callInitiator ?? null),
    );
    if (!recorded) return this.desktopOnly();
    this.signing.set(recorded.flow.order.order_ref, { flow: recorded.flow, shown: 0, approved: false });
    return this.answer(recorded.flow.order);
  }
  startProviderBatch(): Promise<SignOrder> {
    return this.desktopOnly();
  }
  qrFrame(orderRef: string): Promise<string> {
    const started = this.signing.get(orderRef);
    if (!started) return this.desktopOnly();
    return Promise.resolve(started.flow.qr_svg ?? '');
  }
  async cancelSigning(): Promise<void> {}
  openBankIdOnThisComputer(): Promise<void> {
    return this.desktopOnly();
  }
  /** The simulated BankID app approves: the rest of the recorded statuses play, one by one. */
  simulateBankIdApp(orderRef: string, action: SimulatedBankIdAction): Promise<void> {
    const started = this.signing.get(orderRef);
    if (!started) return this.desktopOnly();
    if (action !== 'approve' || started.approved) return this.choiceNotRecorded();
    started.approved = true;
    const count = started.flow.statuses[this.language].length;
    const interval = this.eventIntervalMs ?? 700;
    for (let i = 1; i < count; i++) {
      setTimeout(() => {
        started.shown = i;
        const status = started.flow.statuses[this.language][i];
        if (!status) return;
        // Signed and stored: the overview as Rust showed it after the signature.
        if (i === count - 1) this.playOverview(started.flow.after.overview, RECORDED.month);
        for (const listener of this.signListeners.get(orderRef) ?? []) listener(copy(status));
      }, interval * i);
    }
    return Promise.resolve();
  }
  exportReceipt(): Promise<WrittenFile> {
    return this.desktopOnly();
  }
  exportAssistantCopies(): Promise<WrittenFile> {
    return this.desktopOnly();
  }
  exportInvoice(): Promise<WrittenFile> {
    return this.desktopOnly();
  }
  openExport(): Promise<void> {
    return this.desktopOnly();
  }
  rawFkAnswer(): Promise<RawFkAnswer> {
    return this.desktopOnly();
  }
  writeDiagnostics(): Promise<WrittenFile> {
    return this.desktopOnly();
  }
  checkReportFile(): Promise<FileCheck> {
    return this.desktopOnly();
  }
  setSupportContact(): Promise<SupportContact> {
    return this.desktopOnly();
  }
  enrolRelay(): Promise<RelaySettings> {
    return this.desktopOnly();
  }
  leaveRelay(): Promise<RelaySettings> {
    return this.desktopOnly();
  }
  setEnvironment(): Promise<Settings> {
    return this.desktopOnly();
  }
  importCertificate(): Promise<Settings> {
    return this.desktopOnly();
  }
}
