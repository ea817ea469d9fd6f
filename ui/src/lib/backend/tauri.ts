/**
 * The Backend over Tauri IPC — a SKETCH for the Tauri engineer, not yet used by main.ts.
 *
 * It names one Tauri command per Backend method (snake_case, as `#[tauri::command]` functions are
 * named) and one event per subscription. `invoke` and `listen` are passed in (from
 * `@tauri-apps/api/core` and `@tauri-apps/api/event`) so this file needs no dependency today.
 * Tauri converts camelCase argument keys to the Rust parameters' snake_case names.
 * When tauri-specta (or ts-rs) generates the bindings, this file becomes a thin adapter over the
 * generated `commands` object, or goes away if the generated one already matches `Backend`.
 */
import type { Backend, Unsubscribe } from './backend';
import type { SignStatus, SubmissionItem } from './types';

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
export type Listen = <T>(event: string, handler: (event: { payload: T }) => void) => Promise<Unsubscribe>;

/** Event names the Rust side emits. */
export const EVENTS = {
  /** Payload `SignStatus`; every status change of every order (filtered by order_ref here). */
  signStatus: 'sign-status',
  /** Payload `SubmissionItem`; every state change in the submission queue. */
  submissionProgress: 'submission-progress',
} as const;

export function createTauriBackend(invoke: Invoke, listen: Listen): Backend {
  return {
    monthOverview: (month) => invoke('month_overview', { month }),
    register: () => invoke('register'),
    saveProvider: (provider) => invoke('save_provider', { provider }),
    savePerson: (person) => invoke('save_person', { person }),
    deletePerson: (personnummer) => invoke('delete_person', { personnummer }),
    saveAssistant: (assistant) => invoke('save_assistant', { assistant }),
    deleteAssistant: (id) => invoke('delete_assistant', { id }),
    monthGrid: (month, person) => invoke('month_grid', { month, person }),
    addShift: (shift) => invoke('add_shift', { shift }),
    updateShift: (id, shift) => invoke('update_shift', { id, shift }),
    deleteShift: (id) => invoke('delete_shift', { id }),
    chooseImportFile: () => invoke('choose_import_file'),
    previewImport: (file) => invoke('preview_import', { file }),
    fixImportRow: (fileToken, row, values) => invoke('fix_import_row', { fileToken, row, values }),
    commitImport: (fileToken, skipRows) => invoke('commit_import', { fileToken, skipRows }),
    startSigning: (reportId, role) => invoke('start_signing', { reportId, role }),
    startProviderBatch: (month) => invoke('start_provider_batch', { month }),
    qrFrame: (orderRef) => invoke('qr_frame', { orderRef }),
    onSignStatus: (orderRef, listener) =>
      listen<SignStatus>(EVENTS.signStatus, (e) => {
        if (e.payload.order_ref === orderRef) listener(e.payload);
      }),
    cancelSigning: (orderRef) => invoke('cancel_signing', { orderRef }),
    openBankIdOnThisComputer: (orderRef) => invoke('open_bankid_on_this_computer', { orderRef }),
    simulateBankIdApp: (orderRef, action) => invoke('simulate_bankid_app', { orderRef, action }),
    submit: (reportIds) => invoke('submit', { reportIds }),
    submissionQueue: () => invoke('submission_queue'),
    onSubmissionProgress: (listener) =>
      listen<SubmissionItem>(EVENTS.submissionProgress, (e) => listener(e.payload)),
    history: () => invoke('history'),
    rawFkAnswer: (submissionId) => invoke('raw_fk_answer', { submissionId }),
    settings: () => invoke('settings'),
    setEnvironment: (environment) => invoke('set_environment', { environment }),
    setLanguage: (language) => invoke('set_language', { language }),
    importCertificate: (purpose, password) => invoke('import_certificate', { purpose, password }),
  };
}
