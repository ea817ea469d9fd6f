import { describe, expect, it } from 'vitest';
import type { MonthGridData, ShiftRecord } from './backend/types';
import { buildGridModel } from './gridModel';
import { DemoBackend } from './backend/demo';
import calendar from './backend/fixtures/calendar.json';
import type { DstNight } from './dst';

/** Rust's change nights of 2026 as the real demo recorded them. */
const NIGHTS: DstNight[] = (calendar.dst_changes as Record<string, { nights: DstNight[] }>)['2026']?.nights ?? [];
/** Åsa Öberg-Lind in the recorded Rust demo; Lena Ström works the night into the autumn change for her. */
const ASA = '197503231115';

function syntheticMonth(assistants: number, shiftsPerCell: number): MonthGridData {
  const cols = Array.from({ length: assistants }, (_, i) => ({ id: String(199001010000 + i), name: `Assistent ${i + 1}` }));
  const shifts: ShiftRecord[] = [];
  for (let day = 1; day <= 31; day++)
    for (const c of cols)
      for (let k = 0; k < shiftsPerCell; k++) {
        const d = `2026-10-${String(day).padStart(2, '0')}`;
        const h = String(6 + k * 5).padStart(2, '0');
        const e = String(10 + k * 5).padStart(2, '0');
        shifts.push({
          id: `${day}-${c.id}-${k}`,
          person: '194005122389',
          assistant: c.id,
          start: { local: `${d}T${h}:00:00`, offset_minutes: 120 },
          end: { local: `${d}T${e}:00:00`, offset_minutes: 120 },
          kind: 'aktiv',
          note: null,
          clock_minutes: 240,
          real_minutes: 240,
          dst_note: null,
        });
      }
  return {
    month: '2026-10',
    person: { personnummer: '194005122389', first_name: 'Elsa', last_name: 'Lindqvist' },
    assistants: cols,
    shifts,
    reports: [],
    errors: [],
    warnings: [],
    team: [],
    granted_hours: [],
  };
}

describe('month grid view model', () => {
  it('places 40 assistants × 31 days × 3 shifts in their cells', () => {
    const m = buildGridModel(syntheticMonth(40, 3));
    expect(m.rows).toHaveLength(31);
    expect(m.rows.every((r) => r.cells.length === 40)).toBe(true);
    expect(m.rows.every((r) => r.cells.every((c) => c.shifts.length === 3))).toBe(true);
    expect(m.rows[0]?.cells[0]?.text, 'shifts in one cell are apart by a semicolon, as the help says').toBe('06–10; 11–15; 16–20');
  });

  it('does work linear in cells + shifts (counted steps, no timing)', () => {
    const small = buildGridModel(syntheticMonth(20, 3));
    const large = buildGridModel(syntheticMonth(40, 3));
    const cells = 40 * 31;
    const shifts = cells * 3;
    expect(large.steps, 'a constant amount of work per cell and shift').toBeLessThanOrEqual(2 * (cells + shifts) + 40);
    expect(large.steps / small.steps, 'twice the assistants, about twice the work').toBeLessThan(2.1);
  });

  it("shows the recorded Rust demo month with Rust's DST night where it is", async () => {
    const backend = new DemoBackend();
    const m = buildGridModel(await backend.monthGrid('2026-10', ASA), NIGHTS);
    const maria = m.columns.findIndex((c) => c.name === 'Lena Ström');
    const oct24 = m.rows[23];
    expect(oct24?.cells[maria]?.text).toBe('22–07 V');
    expect(oct24?.cells[maria]?.dstNote).toBe('+1 h, vintertid');
    expect(m.rows[24]?.dst, '25 October is the autumn night, as Rust says').toBe('autumn');
    expect(buildGridModel(await backend.monthGrid('2026-10', ASA)).rows[24]?.dst, 'without Rust\'s nights nothing is marked').toBeNull();
    const mariaTotals = m.totals[maria];
    expect(mariaTotals?.dstNotes).toEqual(['25/10: +1 h, vintertid']);
    expect(
      mariaTotals?.dstShifts.map((s) => [s.start.local, s.end.local]),
      'the shift across the autumn night is kept whole for the one-sentence explanation',
    ).toEqual([['2026-10-24T22:00:00', '2026-10-25T07:00:00']]);
    const b = mariaTotals?.byKind.vante;
    expect((b?.real_minutes ?? 0) - (b?.clock_minutes ?? 0), 'one hour more worked than the clock shows').toBe(60);
  });
});
