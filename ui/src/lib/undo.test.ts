import { describe, expect, it } from 'vitest';
import { UndoStack, applyShiftChanges, remapShiftId, undoAction, type GridAction, type ShiftCalls } from './undo';
import type { ShiftInput, ShiftRecord } from './backend/types';

describe('undo stack', () => {
  it('undoes the latest action first', () => {
    const s = new UndoStack<string>();
    expect(s.canUndo).toBe(false);
    s.push('a');
    s.push('b');
    expect(s.pop()).toBe('b');
    expect(s.pop()).toBe('a');
    expect(s.pop(), 'nothing left').toBeUndefined();
  });

  it('forgets the oldest actions beyond its limit', () => {
    const s = new UndoStack<number>(3);
    for (let i = 1; i <= 5; i++) s.push(i);
    expect(s.size).toBe(3);
    expect([s.pop(), s.pop(), s.pop(), s.pop()]).toEqual([5, 4, 3, undefined]);
  });
});


describe('undo across re-created shifts', () => {
  it('points older entries at the id a shift got when its deletion was undone', () => {
    const s = new UndoStack<GridAction>();
    const input = { person: 'p', assistant: 'a', start: '2026-10-05T08:00', start_occurrence: null, end: '2026-10-05T16:00', end_occurrence: null, kind: 'aktiv' as const, note: null };
    s.push({ label: 'kind', added: [], removed: [], updated: [{ id: 's1', before: input }] });
    s.push({ label: 'paste', added: ['s1', 's2'], removed: [], updated: [] });
    s.map((a) => remapShiftId(a, 's1', 's9'));
    expect(s.pop()?.added).toEqual(['s9', 's2']);
    expect(s.pop()?.updated.map((u) => u.id)).toEqual(['s9']);
  });
});

/** A stand-in store: refuses a shift that starts at 12:00 like the back end refuses an overlap. */
class FakeShifts implements ShiftCalls {
  shifts = new Map<string, ShiftInput>();
  private next = 1;
  calls: string[] = [];
  async addShift(input: ShiftInput) {
    this.calls.push(`add ${input.start}`);
    if (input.start.endsWith('T12:00')) throw { code: 'overlap_same_person', message: 'överlappar' };
    const id = `s${this.next++}`;
    this.shifts.set(id, input);
    return { id };
  }
  async updateShift(id: string, input: ShiftInput) {
    this.calls.push(`update ${id} ${input.start}`);
    if (!this.shifts.has(id)) throw { code: 'shift_not_found', message: 'finns inte' };
    if (input.start.endsWith('T12:00')) throw { code: 'overlap_same_person', message: 'överlappar' };
    this.shifts.set(id, input);
  }
  async deleteShift(id: string) {
    this.calls.push(`delete ${id}`);
    this.shifts.delete(id);
  }
  record(id: string): ShiftRecord {
    const i = this.shifts.get(id)!;
    return {
      id,
      person: i.person,
      assistant: i.assistant,
      start: { local: `${i.start}:00`, offset_minutes: 60 },
      end: { local: `${i.end}:00`, offset_minutes: 60 },
      kind: i.kind,
      note: i.note,
      clock_minutes: 0,
      real_minutes: 0,
      dst_note: null,
    };
  }
  starts() {
    return [...this.shifts.values()].map((s) => s.start).sort();
  }
}

const typed = (start: string, end: string): ShiftInput => ({
  person: '195001012383',
  assistant: '199001012385',
  start,
  start_occurrence: null,
  end,
  end_occurrence: null,
  kind: 'aktiv',
  note: null,
});

describe('applying a grid action against the back end', () => {
  it('changes a typed-over shift in place, so its id (and a signed report) stays', async () => {
    const b = new FakeShifts();
    const { id } = await b.addShift(typed('2026-11-10T08:00', '2026-11-10T16:00'));
    const { action, failure } = await applyShiftChanges(b, 'edit', [b.record(id)], [typed('2026-11-10T09:00', '2026-11-10T17:00')], true);
    expect(failure).toBeNull();
    expect([...b.shifts.keys()], 'the same shift, changed').toEqual([id]);
    expect(action.updated.map((u) => u.before.start)).toEqual(['2026-11-10T08:00']);
    await undoAction(b, action);
    expect(b.starts(), 'undo puts the old times back').toEqual(['2026-11-10T08:00']);
  });

  it('puts everything back when the back end refuses a step, and returns the refusal', async () => {
    const b = new FakeShifts();
    const one = (await b.addShift(typed('2026-11-10T06:00', '2026-11-10T08:00'))).id;
    const two = (await b.addShift(typed('2026-11-10T09:00', '2026-11-10T11:00'))).id;
    const recreated: [string, string][] = [];
    const { action, failure } = await applyShiftChanges(
      b,
      'edit',
      [b.record(one), b.record(two)],
      [typed('2026-11-10T07:00', '2026-11-10T08:00')],
      true,
      (from, to) => recreated.push([from, to]),
    );
    // One changed in place, the other deleted: undo brings both back.
    expect(failure).toBeNull();
    await undoAction(b, action, (from, to) => recreated.push([from, to]));
    expect(b.starts()).toEqual(['2026-11-10T06:00', '2026-11-10T09:00']);
    expect(recreated.length, 'the deleted shift came back under a new id').toBe(1);

    const before = b.starts();
    const refused = await applyShiftChanges(
      b,
      'paste',
      [...b.shifts.keys()].map((id) => b.record(id)),
      [typed('2026-11-11T08:00', '2026-11-11T10:00'), typed('2026-11-11T12:00', '2026-11-11T14:00')],
      false,
    );
    expect(refused.failure).toEqual({ code: 'overlap_same_person', message: 'överlappar' });
    expect(b.starts(), 'nothing of the refused action is left').toEqual(before);
    expect(refused.action.added.length + refused.action.removed.length, 'no undo entry for it').toBe(0);
  });
});
