import { describe, expect, it } from 'vitest';
import { DemoBackend } from './demo';
import { deriveReportState } from '../reportState';
import { isIpcError } from './types';

const ELSA = '194005122389';
const ANNA = '199203041281';

describe('DemoBackend (browser stand-in)', () => {
  it('shows every step of the way in October 2026', async () => {
    const o = await new DemoBackend().monthOverview('2026-10');
    const states = new Set(o.reports.map(deriveReportState));
    for (const s of ['has_errors', 'ready_to_sign', 'signed_by_assistant', 'signed_by_provider', 'sent', 'uncertain'] as const)
      expect(states.has(s), s).toBe(true);
  });

  it('rejects an ambiguous autumn time without an occurrence, and accepts it with one', async () => {
    const b = new DemoBackend();
    const input = { person: ELSA, assistant: ANNA, start: '2026-10-25T02:30', end: '2026-10-25T06:00', kind: 'aktiv' as const, note: null, end_occurrence: null };
    const e = await b.addShift({ ...input, start_occurrence: null }).catch((x: unknown) => x);
    expect(isIpcError(e) && e.code).toBe('ambiguous_time');
    const first = await b.addShift({ ...input, start_occurrence: 'first' });
    expect(first.real_minutes, 'from 02:30 summer time to 06:00 winter time').toBe(270);
    expect(first.dst_note).toBe('+1 h, vintertid');
  });

  it('validates the register with messages naming the field', async () => {
    const e = await new DemoBackend()
      .savePerson({ personnummer: '194005122388', first_name: 'Elsa', last_name: 'L' })
      .catch((x: unknown) => x);
    expect(isIpcError(e) && e.code, 'a wrong check digit is refused with its own code').toBeTruthy();
    expect(isIpcError(e) && e.message, 'the message names the value').toMatch(/194005122388/);
  });

  it('signs with the simulated BankID app and clears signatures when the report changes', async () => {
    const b = new DemoBackend();
    const before = (await b.monthOverview('2026-10')).reports.find((r) => r.assistant === '200106202633');
    const order = await b.startSigning(before?.report_id ?? '', 'assistant');
    expect(order.user_visible_text).toContain('Assistent: Sara Holm');
    const seen: string[] = [];
    await b.onSignStatus(order.order_ref, (s) => seen.push(`${s.status}:${s.message.id}`));
    await b.simulateBankIdApp(order.order_ref, 'approve');
    expect(seen).toContain('pending:RFA9');
    expect(seen.at(-1)).toBe('complete:');
    const after = (await b.monthOverview('2026-10')).reports.find((r) => r.assistant === '200106202633');
    expect(after && deriveReportState(after)).toBe('signed_by_assistant');
    const grid = await b.monthGrid('2026-10', ELSA);
    const one = grid.shifts.find((s) => s.assistant === '200106202633');
    await b.deleteShift(one?.id ?? '');
    const changed = (await b.monthOverview('2026-10')).reports.find((r) => r.assistant === '200106202633');
    expect(changed && deriveReportState(changed), 'a changed report must be signed again').toBe('ready_to_sign');
  });
});

describe('DemoBackend padded for the performance check', () => {
  it('gives Elsa 40 assistants with valid identity numbers', async () => {
    const b = new DemoBackend({ assistants: 40 });
    const grid = await b.monthGrid('2026-10', ELSA);
    expect(grid.assistants).toHaveLength(40);
    const { luhnOk } = await import('./demo');
    expect(grid.assistants.every((a) => luhnOk(a.id)), 'every padded id passes the Luhn check').toBe(true);
    expect(new Set(grid.assistants.map((a) => a.id)).size).toBe(40);
  });
});
