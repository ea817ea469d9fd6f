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

import type { ShiftInput } from './backend/types';

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
