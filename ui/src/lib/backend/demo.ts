/**
 * DemoBackend: the BROWSER-ONLY stand-in for the Rust back end, for UI development (`npm run dev`)
 * and UI tests. It holds NO domain rules (issue 19): every answer it gives is one the real Rust
 * demo gave, recorded by src-tauri's spec test `fixtures` into `./fixtures/*.json` at one fixed
 * instant (`today` below) — the demo folder opened as the desktop app opens it, each screen asked
 * through the functions its Tauri command calls. The test fails when a recording is stale;
 * `UPDATE_FIXTURES=1 cargo test -p assistid-desktop --test spec fixtures` records them again.
 *
 * What the browser demo cannot answer from a recording — typing a shift, editing the register,
 * importing, signing, sending — it refuses plainly with `desktop_only` ("only in the desktop
 * app"), in the UI's language, rather than computing an answer of its own. Changing the UI
 * language is the one thing it keeps in memory.
 */
import type { Backend, Unsubscribe } from './backend';
import type {
  ChosenFile,
  Deadline,
  DstYear,
  FileCheck,
  HistoryEntry,
  Id12,
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
  RawFkAnswer,
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

const RECORDED = screens as unknown as Screens;
const CALENDAR = calendar as unknown as Calendar;

/** The day the recordings were made: the browser demo shows that day, not the computer's. */
export const DEMO_TODAY: IsoDate = RECORDED.today;
/** The demo's month (the one with shifts, across the autumn clock change). */
export const DEMO_DATA_MONTH: Month = RECORDED.month;

const copy = <T>(value: T): T => structuredClone(value);

export class DemoBackend implements Backend {
  private language: Language = RECORDED.settings.language;

  /** The day the browser demo shows (main.ts hands it to the screens instead of the clock). */
  readonly today: IsoDate = DEMO_TODAY;

  /** `desktop_only`: the browser demo replays the Rust demo and cannot do `what` itself. */
  private desktopOnly(): Promise<never> {
    const e: IpcError = { code: 'desktop_only', message: translate(this.language, 'demo.desktop_only') };
    return Promise.reject(e);
  }

  /** `not_recorded`: the Rust demo was not asked this (another month, another day). */
  private notRecorded(): Promise<never> {
    const e: IpcError = { code: 'not_recorded', message: translate(this.language, 'demo.not_recorded') };
    return Promise.reject(e);
  }

  private answer<T>(value: T | undefined): Promise<T> {
    return value === undefined ? this.notRecorded() : Promise.resolve(copy(value));
  }

  // ---- what the Rust demo answered
  monthOverview(month: Month): Promise<MonthOverview> {
    return this.answer(RECORDED.overview[this.language]?.[month]);
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
    return this.answer(RECORDED.history);
  }
  reminders(month: Month): Promise<Reminders> {
    return this.answer(RECORDED.reminders[month]);
  }
  submissionQueue(): Promise<SubmissionQueue> {
    return this.answer(RECORDED.submission_queue);
  }
  submissionDetail(submissionId: string): Promise<SubmissionDetail> {
    return this.answer(RECORDED.submission_detail[submissionId]?.[this.language]);
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
  async onSubmissionProgress(): Promise<Unsubscribe> {
    return () => {};
  }
  async onSignStatus(): Promise<Unsubscribe> {
    return () => {};
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
  openImportFile(): Promise<ChosenFile> {
    return this.desktopOnly();
  }
  previewImport(): Promise<ImportPreview> {
    return this.desktopOnly();
  }
  fixImportRow(): Promise<ImportPreview> {
    return this.desktopOnly();
  }
  commitImport(): Promise<ImportResult> {
    return this.desktopOnly();
  }
  async cancelImport(): Promise<void> {}
  startSigning(): Promise<SignOrder> {
    return this.desktopOnly();
  }
  startProviderBatch(): Promise<SignOrder> {
    return this.desktopOnly();
  }
  qrFrame(): Promise<string> {
    return this.desktopOnly();
  }
  async cancelSigning(): Promise<void> {}
  openBankIdOnThisComputer(): Promise<void> {
    return this.desktopOnly();
  }
  simulateBankIdApp(): Promise<void> {
    return this.desktopOnly();
  }
  submit(): Promise<SubmissionQueue> {
    return this.desktopOnly();
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
  resolveSubmission(): Promise<SubmissionDetail> {
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
