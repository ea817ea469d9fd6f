/**
 * The Backend over Tauri IPC: one Tauri command per Backend method, one event per subscription.
 *
 * The shapes come from the GENERATED bindings (`./generated/ipc.ts`, written by src-tauri and
 * never edited by hand); each command's answer is typed with the generated type and returned as
 * the UI's type, so `npm run check` fails if the Rust shapes and the screens drift apart.
 * `COMMANDS` (generated from the shell's own command list) names every command the shell
 * registers; a Vitest test checks that this file invokes no other.
 *
 * `invoke` and `listen` are passed in; inside Tauri they come from `tauriIpc()` below, which
 * talks to `window.__TAURI_INTERNALS__` directly (the same calls `@tauri-apps/api` makes), so
 * the UI needs no extra npm dependency.
 */
import type { Backend, Unsubscribe } from './backend';
import type * as Gen from './generated/ipc';
import type { CommandName } from './generated/ipc';

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
export type Listen = <T>(event: string, handler: (event: { payload: T }) => void) => Promise<Unsubscribe>;

/**
 * Event names the Rust side emits (generated): `signStatus` carries a `SignStatus` on every
 * change of every order (filtered by order_ref here), `submissionProgress` a `SubmissionItem`,
 * `progress` a `Progress` for long work (demo load, import, export, submission).
 */
export { EVENTS } from './generated/ipc';
import { EVENTS } from './generated/ipc';

export function createTauriBackend(invoke: Invoke, listen: Listen): Backend & Extras {
  // Only command names the shell registers type-check here.
  const call = <T>(command: CommandName, args?: Record<string, unknown>) => invoke<T>(command, args);
  return {
    monthOverview: (month) => call<Gen.MonthOverview>('month_overview', { month }),
    register: () => call<Gen.RegisterData>('register'),
    saveProvider: (provider) => call<Gen.Provider>('save_provider', { provider }),
    savePerson: (person) => call<Gen.PersonWithAssistance>('save_person', { person }),
    deletePerson: (personnummer) => call<void>('delete_person', { personnummer, confirmed: false }),
    saveAssistant: (assistant) => call<Gen.Assistant>('save_assistant', { assistant }),
    deleteAssistant: (id) => call<void>('delete_assistant', { id, confirmed: false }),
    monthGrid: (month, person) => call<Gen.MonthGridData>('month_grid', { month, person }),
    personDetails: (person) => call<Gen.PersonDetails>('person_details', { person }),
    addTeamMember: (person, assistant) => call<Gen.PersonDetails>('add_team_member', { person, assistant }),
    removeTeamMember: (person, assistant) => call<Gen.PersonDetails>('remove_team_member', { person, assistant }),
    addGrant: (grant) => call<Gen.PersonDetails>('add_grant', { grant: grant satisfies Gen.Grant }),
    removeGrant: (person, id) => call<Gen.PersonDetails>('remove_grant', { person, id }),
    // The UI's ShiftInput must satisfy the generated one, so the shapes cannot drift apart.
    addShift: (shift) => call<Gen.ShiftRecord>('add_shift', { shift: shift satisfies Gen.ShiftInput }),
    updateShift: (id, shift) =>
      call<Gen.ShiftRecord>('update_shift', { id, shift: shift satisfies Gen.ShiftInput }),
    deleteShift: (id) => call<void>('delete_shift', { id }),
    openImportFile: (file) => call<Gen.ChosenFile>('open_import_file', { file }),
    previewImport: (file) => call<Gen.ImportPreview>('preview_import', { file }),
    fixImportRow: (fileToken, row, values) =>
      call<Gen.ImportPreview>('fix_import_row', { fileToken, row, values }),
    commitImport: (fileToken, skipRows) => call<Gen.ImportResult>('commit_import', { fileToken, skipRows }),
    cancelImport: (fileToken) => call<void>('cancel_import', { fileToken }),
    startSigning: (reportId, role, callInitiator) =>
      call<Gen.SignOrder>('start_signing', { reportId, role, callInitiator: callInitiator ?? null }),
    startProviderBatch: (month, callInitiator) =>
      call<Gen.SignOrder>('start_provider_batch', { month, callInitiator: callInitiator ?? null }),
    qrFrame: (orderRef) => call<string>('qr_frame', { orderRef }),
    onSignStatus: async (orderRef, listener) => {
      const stop = await listen<Gen.SignStatus>(EVENTS.signStatus, (e) => {
        if (e.payload.order_ref === orderRef) listener(e.payload);
      });
      // Events sent before the dialog listened are not replayed: ask for the current status once.
      call<Gen.SignStatus>('sign_status', { orderRef }).then(
        (current) => current && listener(current),
        () => undefined,
      );
      return stop;
    },
    cancelSigning: (orderRef) => call<void>('cancel_signing', { orderRef }),
    openBankIdOnThisComputer: (orderRef) => call<void>('open_bankid_on_this_computer', { orderRef }),
    simulateBankIdApp: (orderRef, action) => call<void>('simulate_bankid_app', { orderRef, action }),
    submit: (month) => call<Gen.SubmissionQueue>('submit', { month }),
    submissionQueue: () => call<Gen.SubmissionQueue>('submission_queue'),
    onSubmissionProgress: (listener) =>
      listen<Gen.SubmissionItem>(EVENTS.submissionProgress, (e) => listener(e.payload)),
    history: () => call<Gen.HistoryEntry[]>('history'),
    exportReceipt: (month) => call<Gen.WrittenFile>('export_receipt', { month }),
    exportAssistantCopies: (month) => call<Gen.WrittenFile>('export_assistant_copies', { month }),
    exportInvoice: (month) => call<Gen.WrittenFile>('export_invoice', { month }),
    reminders: (month) => call<Gen.Reminders>('reminders', { month }),
    openExport: (path) => call<void>('open_export', { path }),
    rawFkAnswer: (submissionId) => call<Gen.RawFkAnswer>('raw_fk_answer', { submissionId }),
    submissionDetail: (submissionId) => call<Gen.SubmissionDetail>('submission_detail', { submissionId }),
    resolveSubmission: (submissionId, decision) =>
      call<Gen.SubmissionDetail>('resolve_submission', { submissionId, decision }),
    writeDiagnostics: (submissionId) => call<Gen.WrittenFile>('write_diagnostics', { submissionId }),
    checkReportFile: (file) => call<Gen.FileCheck>('check_report_file', { file }),
    relaySettings: () => call<Gen.RelaySettings>('relay_settings'),
    enrolRelay: (address, code, caFile) => call<Gen.RelaySettings>('enrol_relay', { address, code, caFile }),
    leaveRelay: () => call<Gen.RelaySettings>('leave_relay'),
    supportContact: () => call<Gen.SupportContact>('support_contact', {}),
    setSupportContact: (contact) => call<Gen.SupportContact>('set_support_contact', { contact }),
    dstChanges: (year) => call<Gen.DstYear>('dst_changes', { year }),
    deadline: (month, today) => call<Gen.Deadline>('deadline', { month, today }),
    settings: () => call<Gen.Settings>('settings'),
    setEnvironment: (environment) => call<Gen.Settings>('set_environment', { environment }),
    setLanguage: (language) => call<Gen.Settings>('set_language', { language }),
    // Without a file the shell answers `file_missing`; the Settings screen sends the file
    // through `importCertificateFile` below.
    importCertificate: (purpose, password) => call<Gen.Settings>('import_certificate', { purpose, password }),
    // Extras beyond the Backend interface (not used by the screens yet).
    monthReview: (month) => call<Gen.MonthReview>('month_review', { month }),
    exportReports: (month) => call<Gen.ExportResult>('export_reports', { month }),
    loadDemo: () => call<boolean>('load_demo'),
    onProgress: (listener) => listen<Gen.Progress>(EVENTS.progress, (e) => listener(e.payload)),
    deletePersonConfirmed: (personnummer) => call<void>('delete_person', { personnummer, confirmed: true }),
    deleteAssistantConfirmed: (id) => call<void>('delete_assistant', { id, confirmed: true }),
    importCertificateFile: (purpose, file, password, keyChoice) =>
      call<Gen.Settings>(
        'import_certificate',
        keyChoice ? { purpose, file, password, keyChoice } : { purpose, file, password },
      ),
    setFkEndpoint: (environment, endpoint) => call<Gen.Settings>('set_fk_endpoint', { environment, endpoint }),
    setFkTrust: (environment, choice) => call<Gen.Settings>('set_fk_trust', { environment, choice }),
    setBankIdEndpoint: (endpoint) => call<Gen.Settings>('set_bankid_endpoint', { endpoint }),
    setBankIdServerCa: (file) => call<Gen.Settings>('set_bankid_server_ca', { file }),
    setBankIdUserRoot: (file) => call<Gen.Settings>('set_bankid_user_root', { file }),
    backupSettings: () => call<Gen.BackupSettings>('backup_settings'),
    prepareRecoveryKey: () => call<Gen.RecoveryKeyShown>('prepare_recovery_key'),
    confirmRecoveryKey: (typed) => call<Gen.BackupSettings>('confirm_recovery_key', { typed }),
    setBackupFolder: (folder, keep) => call<Gen.BackupSettings>('set_backup_folder', { folder, keep }),
    backupNow: () => call<Gen.BackupSettings>('backup_now'),
    restoreBackup: (file, recoveryKey) => call<Gen.RestoreResult>('restore_backup', { file, recoveryKey }),
    goingLive: () => call<Gen.LiveStep[]>('going_live'),
    signatories: () => call<Gen.Signatory[]>('signatories'),
    addSignatory: (personnummer, firstName, lastName) =>
      call<Gen.Signatory[]>('add_signatory', { personnummer, firstName, lastName }),
    startProviderBatchAs: (month, signatory, callInitiator) =>
      call<Gen.SignOrder>('start_provider_batch', { month, signatory, callInitiator: callInitiator ?? null }),
    checkFkConnection: () => call<Gen.CheckOutcome>('check_fk_connection'),
    checkBankId: () => call<Gen.CheckOutcome>('check_bankid'),
  };
}

/** Commands the shell offers beyond the `Backend` interface. */
export interface Extras {
  monthReview(month: string): Promise<Gen.MonthReview>;
  /** Writes the month's reports to `<data folder>/export/<month>`. */
  exportReports(month: string): Promise<Gen.ExportResult>;
  loadDemo(): Promise<boolean>;
  onProgress(listener: (p: Gen.Progress) => void): Promise<Unsubscribe>;
  /**
   * Deletes after the user said yes to the `confirmation_needed` question (unsigned shifts go
   * with the entry). Signed or sent reports still block (`delete_blocked`).
   */
  deletePersonConfirmed(personnummer: string): Promise<void>;
  /** The same for an assistant. */
  deleteAssistantConfirmed(id: string): Promise<void>;
  /**
   * Imports a PKCS#12 file chosen in the webview's file input, checked with its password;
   * `keyChoice` names the key (name or serial number) when the file holds several that may
   * log in (the shell refuses such a file without it: `several_client_keys`, listing them).
   */
  importCertificateFile(
    purpose: Gen.CertificatePurpose,
    file: Gen.ImportFile,
    password: string,
    keyChoice?: string,
  ): Promise<Gen.Settings>;
  /** Replaces the address of FK's test or production service; `null` goes back to FK's own. */
  setFkEndpoint(environment: Gen.Environment, endpoint: string | null): Promise<Gen.Settings>;
  /** Chooses which server certificates are trusted for FK's test or production service. */
  setFkTrust(environment: Gen.Environment, choice: Gen.TrustChoice): Promise<Gen.Settings>;
  /**
   * BankID's test service (test only; the shell refuses production, which is always BankID's
   * own): its address, `null` for BankID's own test address.
   */
  setBankIdEndpoint(endpoint: string | null): Promise<Gen.Settings>;
  /** The CA file the test service's TLS certificate must chain to; `null`: BankID's own root. */
  setBankIdServerCa(file: Gen.ImportFile | null): Promise<Gen.Settings>;
  /** The extra user-certificate root trusted in test; `null` removes it. */
  setBankIdUserRoot(file: Gen.ImportFile | null): Promise<Gen.Settings>;
  /** Backups: on or off, the folder, the last good and failed one, the overview's warning. */
  backupSettings(): Promise<Gen.BackupSettings>;
  /** Makes a recovery key and returns it to be shown once. */
  prepareRecoveryKey(): Promise<Gen.RecoveryKeyShown>;
  /** The recovery key typed back: turns backups on when it is the one just shown. */
  confirmRecoveryKey(typed: string): Promise<Gen.BackupSettings>;
  /** The folder for automatic backups (typed path) and how many are kept. */
  setBackupFolder(folder: string, keep: number): Promise<Gen.BackupSettings>;
  /** A backup into the chosen folder now. */
  backupNow(): Promise<Gen.BackupSettings>;
  /** Restores a backup chosen in the file input into the (empty) folder for real data. */
  restoreBackup(file: Gen.ImportFile, recoveryKey: string): Promise<Gen.RestoreResult>;
  /** The people who sign for the provider (firmatecknare). */
  signatories(): Promise<Gen.Signatory[]>;
  /** Registers a signatory; returns them all. */
  addSignatory(personnummer: string, firstName: string, lastName: string): Promise<Gen.Signatory[]>;
  /** The provider's batch signed by the chosen signatory (one order per person, back to back). */
  startProviderBatchAs(month: string, signatory: string, callInitiator?: Gen.CallInitiator): Promise<Gen.SignOrder>;
  /** The going-live checklist: each step with its state. */
  goingLive(): Promise<Gen.LiveStep[]>;
  /** "Testa anslutningen till Försäkringskassan": TLS with the client certificate, trust, expiry. */
  checkFkConnection(): Promise<Gen.CheckOutcome>;
  /** "Testa BankID": an order started with the RP certificate and cancelled at once. */
  checkBankId(): Promise<Gen.CheckOutcome>;
}

/** Whether `backend` registers signatories and lets the user choose who signs (the desktop app). */
export function hasSignatories(backend: object): backend is Pick<Extras, 'signatories' | 'addSignatory' | 'startProviderBatchAs'> {
  return 'signatories' in backend && 'addSignatory' in backend && 'startProviderBatchAs' in backend;
}

/** Whether `backend` shows the going-live checklist and its two checks (the desktop app). */
export function hasGoingLive(backend: object): backend is Pick<Extras, 'goingLive' | 'checkFkConnection' | 'checkBankId'> {
  return 'goingLive' in backend && 'checkFkConnection' in backend && 'checkBankId' in backend;
}

/** Whether `backend` makes and restores backups (the desktop app). */
export function hasBackups(
  backend: object,
): backend is Pick<Extras, 'backupSettings' | 'prepareRecoveryKey' | 'confirmRecoveryKey' | 'setBackupFolder' | 'backupNow' | 'restoreBackup'> {
  return 'backupSettings' in backend && 'restoreBackup' in backend;
}

/** Whether `backend` can set up FK's services (address and trusted CA): the desktop app. */
export function hasFkSetup(backend: object): backend is Pick<Extras, 'setFkEndpoint' | 'setFkTrust'> {
  return 'setFkEndpoint' in backend && 'setFkTrust' in backend;
}

/** Whether `backend` can set up BankID's test service (address, CA file, extra root): the desktop app. */
export function hasBankIdTestSetup(
  backend: object,
): backend is Pick<Extras, 'setBankIdEndpoint' | 'setBankIdServerCa' | 'setBankIdUserRoot'> {
  return 'setBankIdEndpoint' in backend && 'setBankIdServerCa' in backend && 'setBankIdUserRoot' in backend;
}

/** Whether `backend` can confirm deletions and import certificate files (the desktop app). */
export function hasDesktopExtras(backend: object): backend is Pick<Extras, 'deletePersonConfirmed' | 'deleteAssistantConfirmed' | 'importCertificateFile'> {
  return 'importCertificateFile' in backend && 'deletePersonConfirmed' in backend;
}

interface TauriInternals {
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  transformCallback(callback: (payload: unknown) => void, once?: boolean): number;
}

/** True inside the Tauri webview. */
export function insideTauri(w: object = globalThis): boolean {
  return '__TAURI_INTERNALS__' in w;
}

/** `invoke` and `listen` over the webview's Tauri internals (what `@tauri-apps/api` does). */
export function tauriIpc(w: object = globalThis): { invoke: Invoke; listen: Listen } {
  const internals = (w as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;
  if (!internals) throw new Error('not running inside Tauri');
  const invoke: Invoke = (command, args) => internals.invoke(command, args ?? {});
  const listen: Listen = async <T>(event: string, handler: (event: { payload: T }) => void) => {
    const callback = internals.transformCallback((e) => handler(e as { payload: T }));
    const eventId = await internals.invoke<number>('plugin:event|listen', {
      event,
      target: { kind: 'Any' },
      handler: callback,
    });
    return () => {
      void internals.invoke('plugin:event|unlisten', { event, eventId }).catch(() => undefined);
    };
  };
  return { invoke, listen };
}
