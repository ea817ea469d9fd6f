import { describe, expect, it } from 'vitest';
import { UndoStack, remapShiftId, type GridAction } from './undo';

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
