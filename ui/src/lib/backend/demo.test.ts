import { describe, expect, it } from 'vitest';
import { DemoBackend, DEMO_DATA_MONTH, DEMO_REJECTED_ID, DEMO_TODAY, DEMO_UNCERTAIN_ID } from './demo';
import { isIpcError } from './types';
import type { Backend } from './backend';
import type { SubmissionItem } from './types';
import flows from './fixtures/flows.json';
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

  it('refuses editing and signing in the UI language instead of computing an answer', async () => {
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
  });
});

describe('DemoBackend shows the Rust demo signed and sent, and plays the recorded flows', () => {
  it('shows reports signed by their assistants only, received, refused and uncertain, as the recorded run left them', async () => {
    const b = new DemoBackend();
    const reports = (await b.monthOverview(DEMO_DATA_MONTH)).reports;
    const waitingForProvider = reports.filter((r) => r.signed_by_assistant_at !== null && r.signed_by_provider_at === null);
    expect(waitingForProvider.length, 'some reports wait for the provider').toBeGreaterThan(0);
    const states = reports.map((r) => r.submission_state);
    expect(states.filter((s) => s === 'accepted').length, 'FK received some').toBeGreaterThan(0);
    expect(states, 'FK refused one and one is uncertain').toEqual(expect.arrayContaining(['rejected', 'uncertain']));
    const ready = reports.filter((r) => r.signed_by_provider_at !== null && r.submission_state === null);
    expect(ready, 'one report signed by everyone waits for the next run').toHaveLength(1);
    const history = await b.history();
    expect(history.filter((h) => h.tx_id !== null).length, 'the received ones have their tx-id').toBe(states.filter((s) => s === 'accepted').length);
    const rejected = await b.submissionDetail(DEMO_REJECTED_ID);
    expect(rejected.advice?.fk_text, "FK's text is recorded with the refusal").toBeTruthy();
    const uncertain = await b.submissionDetail(DEMO_UNCERTAIN_ID);
    expect(uncertain.can_resolve, 'the uncertain one takes a decision').toBe(true);
    expect(uncertain.trail.map((t) => t.kind)).toEqual(['submission_queued', 'submission_sending', 'submission_uncertain']);
  });

  it('sends the waiting report with the recorded run: the queue at once, then the progress events, then the screens after', async () => {
    const b = new DemoBackend({ eventIntervalMs: 1 });
    const events: SubmissionItem[] = [];
    const stop = await b.onSubmissionProgress((item) => events.push(item));
    const queue = await b.submit(DEMO_DATA_MONTH);
    expect(queue.running, 'the run has started').toBe(true);
    expect(queue.items.filter((i) => i.state === 'queued'), 'the waiting report is queued').toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(events, 'the recorded events, in order').toEqual(flows.send.events);
    const after = await b.monthOverview(DEMO_DATA_MONTH);
    expect(after.reports.filter((r) => r.signed_by_provider_at !== null && r.submission_state === null), 'nothing left to send').toHaveLength(0);
    expect((await b.submissionQueue()).running, 'the run is over').toBe(false);
    const again = await b.submit(DEMO_DATA_MONTH).catch((x: unknown) => x);
    expect(isIpcError(again) && again.code, 'the recording has one run').toBe('not_recorded');
    stop();
  });

  it('keeps a way-out decision when the run is played after it', async () => {
    const b = new DemoBackend({ eventIntervalMs: 1 });
    await b.resolveSubmission(DEMO_UNCERTAIN_ID, { kind: 'abandon' });
    await b.submit(DEMO_DATA_MONTH);
    await new Promise((r) => setTimeout(r, 50));
    const items = (await b.submissionQueue()).items;
    expect(items.find((i) => i.submission_id === DEMO_UNCERTAIN_ID)?.state).toBe('abandoned');
    expect(items.find((i) => i.submission_id === flows.send.events[0]?.submission_id)?.state).toBe('accepted');
  });
});

describe('DemoBackend plays the recorded import', () => {
  it("shows Rust's preview of the recorded file with its problem, then the preview after the recorded fix, then stores it", async () => {
    const b = new DemoBackend();
    const rec = flows.import;
    const chosen = await b.openImportFile(rec.file);
    const preview = await b.previewImport(chosen);
    expect(preview.counts.rows_with_errors, 'the mistyped date is an error').toBe(1);
    const problem = preview.problems.find((p) => p.row === rec.fix.row);
    expect(problem?.column, 'with its row and column, as Rust names them').toBeTruthy();
    expect(await b.commitImport(chosen.file_token, []).catch((e: unknown) => isIpcError(e) && e.code), 'nothing is stored with an error left').toBe('not_recorded');
    const fixed = await b.fixImportRow(chosen.file_token, rec.fix.row, rec.fix.values);
    expect(fixed.counts.errors, 'after the fix Rust finds no error').toBe(0);
    expect(await b.previewImport(chosen), 'a second look shows the fixed file').toEqual(fixed);
    const result = await b.commitImport(chosen.file_token, []);
    expect(result.shifts_added).toBe(3);
  });

  it('refuses any other file or fix rather than checking it itself', async () => {
    const b = new DemoBackend();
    const other = await b.openImportFile({ file_name: 'annat.csv', content_base64: 'YQ==' }).catch((e: unknown) => e);
    expect(isIpcError(other) && other.code).toBe('desktop_only');
    const rec = flows.import;
    const chosen = await b.openImportFile(rec.file);
    await b.previewImport(chosen);
    const wrongFix = await b.fixImportRow(chosen.file_token, rec.fix.row, ['x']).catch((e: unknown) => e);
    expect(isIpcError(wrongFix) && wrongFix.code).toBe('not_recorded');
  });
});
