/**
 * The one module the UI imports its back-end shapes from.
 *
 * Every shape the Rust side sends or takes is GENERATED from the Rust types (the app's view
 * types and the desktop shell's IPC types, with ts-rs) into `generated/ipc.ts`, which a spec test
 * keeps exactly in step with the Rust code (`UPDATE_BINDINGS=1 cargo test -p assistid-desktop
 * --test spec bindings` regenerates it). Nothing here redefines one of them, so the UI and the
 * Rust side cannot drift apart; what follows them are the few things that exist only in the UI,
 * each saying why.
 */

import type { IpcError, TimeKind } from './generated/ipc';

// Every generated shape, unchanged.
export type * from './generated/ipc';

// ---------------------------------------------------------------- UI-only names for strings
//
// Rust sends these as plain strings; the names only say, in the UI's own signatures, which
// kind of string a value is.

/** `YYYY-MM`, a report month (redovisningsmånad). */
export type Month = string;
/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** An RFC 3339 UTC timestamp. */
export type Timestamp = string;
/** A 12-digit personnummer / samordningsnummer, as the Rust side gives it. */
export type Id12 = string;

// ---------------------------------------------------------------- UI-only helpers

/**
 * The kinds of time in the order the UI offers them (a value, which a generated type cannot
 * give; the union it lists is the generated `TimeKind`).
 */
export const TIME_KINDS: readonly TimeKind[] = ['aktiv', 'vante', 'beredskap'];

/**
 * Narrow an unknown rejection to the generated `IpcError` (a Tauri rejection arrives as
 * `unknown`). Render it with `te()` (i18n/locale.svelte.ts), which builds the text again from
 * `message_code` and `params` in the current language.
 */
export function isIpcError(e: unknown): e is IpcError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as IpcError).code === 'string' &&
    typeof (e as IpcError).message === 'string'
  );
}

// Calendar (issue 19: asked of Rust, never derived here).
export type { ClockChange, Deadline, DeadlineUrgency, DstNight, DstYear, LocalTimeClass } from './generated/ipc';
