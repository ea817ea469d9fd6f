import { describe, expect, it } from 'vitest';
import { DemoBackend, DEMO_DATA_MONTH, DEMO_TODAY } from './demo';
import { isIpcError } from './types';
import type { Backend } from './backend';
import screens from './fixtures/screens.json';
import calendar from './fixtures/calendar.json';

// The browser demo holds no rules: it answers what the real Rust demo answered (recorded by
// src-tauri/tests/spec/fixtures.rs) and refuses what it cannot replay. The rules themselves are
// specified by the Rust spec tests.
describe('DemoBackend replays the real Rust demo', () => {
  it('shows the recorded overview of the demo month, in the language of the moment', async () => {
    const b = new DemoBackend();
    expect(await b.monthOverview(DEMO_DATA_MONTH), 'the Swedish recording, unchanged').toEqual(
      screens.overview.sv[DEMO_DATA_MONTH as keyof typeof screens.overview.sv],
    );
    await b.setLanguage('en');
    expect(await b.monthOverview(DEMO_DATA_MONTH), 'after the switch, the English recording').toEqual(
      screens.overview.en[DEMO_DATA_MONTH as keyof typeof screens.overview.en],
    );
    expect((await b.settings()).language).toBe('en');
  });

  it("has every registered person's month grid, with Rust's DST notes", async () => {
    const b = new DemoBackend();
    const register = await b.register();
    expect(register.persons.length, 'the demo register has persons').toBeGreaterThan(0);
    for (const p of register.persons) {
      const grid = await b.monthGrid(DEMO_DATA_MONTH, p.personnummer);
      expect(grid.person.personnummer).toBe(p.personnummer);
    }
    const notes = await Promise.all(register.persons.map((p) => b.monthGrid(DEMO_DATA_MONTH, p.personnummer)));
    expect(
      notes.some((g) => g.reports.some((r) => r.rows.some((row) => row.dst_note !== null))),
      'the demo month crosses the autumn change and Rust notes it',
    ).toBe(true);
  });

  it('gives back copies, so a screen cannot change the recording', async () => {
    const b = new DemoBackend();
    const first = await b.register();
    first.persons.length = 0;
    expect((await b.register()).persons.length).toBeGreaterThan(0);
  });

  it('answers the calendar as Rust did on the recorded day, and only for that day', async () => {
    const b = new DemoBackend();
    expect(b.today).toBe(DEMO_TODAY);
    expect((await b.deadline(null, DEMO_TODAY)).month, 'the month due next on the recorded day').toBe(
      calendar.due_next.month,
    );
    expect(await b.deadline(DEMO_DATA_MONTH, DEMO_TODAY)).toEqual(calendar.deadlines[DEMO_DATA_MONTH as '2026-10']);
    const other = await b.deadline(DEMO_DATA_MONTH, '2030-01-01').catch((e: unknown) => e);
    expect(isIpcError(other) && other.code, 'never computed for another day').toBe('not_recorded');
    expect((await b.dstChanges(2026)).nights).toHaveLength(2);
  });

  it('says plainly that a month it has no recording of is not in the browser demo', async () => {
    const e = await new DemoBackend().monthOverview('2031-01').catch((x: unknown) => x);
    expect(isIpcError(e) && e.code).toBe('not_recorded');
    expect(isIpcError(e) && e.message).toContain('skrivbordsappen');
  });

  it('refuses editing, signing and sending in the UI language instead of computing an answer', async () => {
    const b: Backend = new DemoBackend();
    const register = await b.register();
    const person = register.persons[0]?.personnummer ?? '';
    const assistant = register.assistants[0]?.id ?? '';
    const shift = await b
      .addShift({ person, assistant, start: '2026-10-25T02:30', start_occurrence: null, end: '2026-10-25T06:00', end_occurrence: null, kind: 'aktiv', note: null })
      .catch((x: unknown) => x);
    expect(isIpcError(shift) && shift.code, 'a typed shift needs the Rust rules').toBe('desktop_only');
    expect(isIpcError(shift) && shift.message).toContain('bara i skrivbordsappen');
    await b.setLanguage('en');
    const sign = await b.startSigning('x', 'assistant').catch((x: unknown) => x);
    expect(isIpcError(sign) && sign.message).toContain('only in the desktop app');
    const send = await b.submit(DEMO_DATA_MONTH).catch((x: unknown) => x);
    expect(isIpcError(send) && send.code).toBe('desktop_only');
  });
});
