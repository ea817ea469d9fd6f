/**
 * A bounded undo stack for the month grid. Each entry is one user action (possibly many shifts:
 * a pasted week is undone in one Ctrl+Z). Pure; the grid decides what an entry holds.
 */
export class UndoStack<T> {
  private entries: T[] = [];

  constructor(private readonly limit = 100) {}

  push(entry: T): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
  }

  /** The latest action, removed from the stack; undefined when there is nothing to undo. */
  pop(): T | undefined {
    return this.entries.pop();
  }

  peek(): T | undefined {
    return this.entries[this.entries.length - 1];
  }

  get size(): number {
    return this.entries.length;
  }

  get canUndo(): boolean {
    return this.entries.length > 0;
  }

  clear(): void {
    this.entries = [];
  }

  /** Rewrites every entry (e.g. when an undo re-created a shift under a new id). */
  map(f: (entry: T) => T): void {
    this.entries = this.entries.map(f);
  }
}

import type { ShiftInput, ShiftRecord } from './backend/types';

/** What undoing one grid action does: delete the shifts it added, re-add the ones it removed. */
export interface GridAction {
  /** For the "Ångrade: …" message. */
  label: string;
  added: string[];
  /** With the id they had, so older entries can be pointed at the re-created shift. */
  removed: { id: string; input: ShiftInput }[];
  /** Shifts changed in place (kind switch), with their values before. */
  updated: { id: string; before: ShiftInput }[];
}

/**
 * Undoing a deletion re-creates the shift under a NEW id; older entries that mention the old id
 * must follow it, or undoing them fails ("Passet finns inte längre").
 */
export function remapShiftId(action: GridAction, from: string, to: string): GridAction {
  return {
    ...action,
    added: action.added.map((id) => (id === from ? to : id)),
    updated: action.updated.map((u) => (u.id === from ? { ...u, id: to } : u)),
  };
}


/** The three shift calls a grid action makes (a `Backend` has them). */
export interface ShiftCalls {
  addShift(shift: ShiftInput): Promise<{ id: string }>;
  updateShift(id: string, shift: ShiftInput): Promise<unknown>;
  deleteShift(id: string): Promise<void>;
}

/** The shift as `ShiftInput` again (its resolved occurrences kept), moved `dayShift` days. */
export function shiftToInput(s: ShiftRecord, dayShift = 0, addDays?: (date: string, n: number) => string): ShiftInput {
  const move = (local: string) =>
    dayShift && addDays ? `${addDays(local.slice(0, 10), dayShift)}T${local.slice(11, 16)}` : local.slice(0, 16);
  return {
    person: s.person,
    assistant: s.assistant,
    start: move(s.start.local),
    start_occurrence: s.start.offset_minutes === 120 ? 'first' : 'second',
    end: move(s.end.local),
    end_occurrence: s.end.offset_minutes === 120 ? 'first' : 'second',
    kind: s.kind,
    note: s.note,
  };
}

/**
 * Applies one grid action as a whole. With `inPlace`, `current[i]` is changed into `next[i]`
 * (one atomic update each, so a refused edit leaves the shift as it was); then the rest of
 * `current` is deleted and the rest of `next` added. When the back end refuses a step, the steps
 * already done are undone again (`onRecreated` hears of shifts re-created under a new id) and
 * the refusal is returned as `failure`; otherwise `action` is the undo entry for all of it.
 */
export async function applyShiftChanges(
  backend: ShiftCalls,
  label: string,
  current: ShiftRecord[],
  next: ShiftInput[],
  inPlace: boolean,
  onRecreated: (from: string, to: string) => void = () => undefined,
): Promise<{ action: GridAction; failure: unknown }> {
  const action: GridAction = { label, added: [], removed: [], updated: [] };
  const pairs = inPlace ? Math.min(current.length, next.length) : 0;
  try {
    for (let i = 0; i < pairs; i++) {
      const s = current[i]!;
      await backend.updateShift(s.id, next[i]!);
      action.updated.push({ id: s.id, before: shiftToInput(s) });
    }
    for (const s of current.slice(pairs)) {
      await backend.deleteShift(s.id);
      action.removed.push({ id: s.id, input: shiftToInput(s) });
    }
    for (const input of next.slice(pairs)) action.added.push((await backend.addShift(input)).id);
    return { action, failure: null };
  } catch (failure) {
    await undoAction(backend, action, onRecreated).catch(() => undefined);
    return { action: { label, added: [], removed: [], updated: [] }, failure };
  }
}

/**
 * Undoes one action. Added shifts go first and changed ones get their old values back before
 * removed ones return, so no step collides with a shift a later step puts back.
 */
export async function undoAction(
  backend: ShiftCalls,
  action: GridAction,
  onRecreated: (from: string, to: string) => void = () => undefined,
): Promise<void> {
  for (const id of [...action.added].reverse()) await backend.deleteShift(id);
  for (const u of [...action.updated].reverse()) await backend.updateShift(u.id, u.before);
  for (const r of [...action.removed].reverse()) {
    const created = await backend.addShift(r.input);
    onRecreated(r.id, created.id);
  }
}
