/**
 * The month grid's view model: rows = days, columns = assistants, each cell the shifts that START
 * that day. Built in one pass over days × assistants plus one pass over shifts and issues (maps,
 * no nested searches), so 40 assistants × 31 days stays cheap; `steps` counts the work so a test
 * can check it grows linearly without timing anything.
 */
import type { Id12, IsoDate, Issue, MonthGridData, ShiftRecord, TimeKind } from './backend/types';
import { TIME_KINDS } from './backend/types';
import { daysInMonth, isoDate, splitMonth, weekdayMonFirst } from './dates';
import { nightOn, type DstNight } from './dst';
import { parseLocalDateTime, rangeText } from './entry';

export interface GridCell {
  day: number;
  date: IsoDate;
  assistant: Id12;
  shifts: ShiftRecord[];
  /** What the cell shows and what editing starts from: `08–16; 22–07 B` (shifts apart by `;`). */
  text: string;
  errors: Issue[];
  warnings: Issue[];
  dstNote: string | null;
}

export interface GridRow {
  day: number;
  date: IsoDate;
  weekday: number;
  weekend: boolean;
  /** The night the clocks change, if it is this day. */
  dst: 'spring' | 'autumn' | null;
  cells: GridCell[];
}

export interface AssistantTotals {
  assistant: Id12;
  name: string;
  byKind: Record<TimeKind, { clock_minutes: number; real_minutes: number }>;
  real_minutes: number;
  errors: number;
  warnings: number;
  /** The report rows' short notes (`25/10: +1 h, vintertid`). */
  dstNotes: string[];
  /** The assistant's shifts whose worked time differs from the clock (a clock change), for the
   * one-sentence explanation (`dstSentence` in dst.ts). */
  dstShifts: ShiftRecord[];
}

export interface GridModel {
  rows: GridRow[];
  columns: { id: Id12; name: string }[];
  totals: AssistantTotals[];
  /** Issues that belong to no single cell (month-wide, or no date/assistant). */
  looseIssues: Issue[];
  /** Work done while building (loop iterations), for the linearity test. */
  steps: number;
}

const key = (date: IsoDate, assistant: Id12) => `${date}|${assistant}`;

/** `nights`: the back end's change nights of the month's year (`dstChanges`), to mark their days. */
export function buildGridModel(data: MonthGridData, nights: readonly DstNight[] = []): GridModel {
  let steps = 0;
  const { year, month } = splitMonth(data.month);
  const days = daysInMonth(data.month);

  const byCell = new Map<string, ShiftRecord[]>();
  /** Shifts across a clock change, per assistant (same pass). */
  const dstShiftsOf = new Map<Id12, ShiftRecord[]>();
  for (const s of data.shifts) {
    steps++;
    const k = key(s.start.local.slice(0, 10), s.assistant);
    const list = byCell.get(k);
    if (list) list.push(s);
    else byCell.set(k, [s]);
    if (s.real_minutes !== s.clock_minutes) {
      const dst = dstShiftsOf.get(s.assistant);
      if (dst) dst.push(s);
      else dstShiftsOf.set(s.assistant, [s]);
    }
  }

  const issuesByCell = new Map<string, Issue[]>();
  const looseIssues: Issue[] = [];
  const allIssues: Issue[] = [...data.errors, ...data.warnings];
  for (const r of data.reports) allIssues.push(...r.errors, ...r.warnings);
  for (const issue of allIssues) {
    steps++;
    if (issue.date && issue.assistant) {
      const k = key(issue.date, issue.assistant);
      const list = issuesByCell.get(k);
      if (list) list.push(issue);
      else issuesByCell.set(k, [issue]);
    } else {
      looseIssues.push(issue);
    }
  }

  const rows: GridRow[] = [];
  for (let day = 1; day <= days; day++) {
    const date = isoDate(year, month, day);
    const weekday = weekdayMonFirst(date);
    const cells: GridCell[] = [];
    for (const col of data.assistants) {
      steps++;
      const k = key(date, col.id);
      const shifts = byCell.get(k) ?? [];
      if (shifts.length > 1) shifts.sort((a, b) => (a.start.local < b.start.local ? -1 : 1));
      const issues = issuesByCell.get(k) ?? [];
      let text = '';
      let dstNote: string | null = null;
      for (const s of shifts) {
        steps++;
        const st = parseLocalDateTime(s.start.local);
        const en = parseLocalDateTime(s.end.local);
        text += (text ? '; ' : '') + rangeText(st.minutes, en.minutes, s.kind);
        if (s.dst_note) dstNote = s.dst_note;
      }
      cells.push({
        day,
        date,
        assistant: col.id,
        shifts,
        text,
        errors: issues.filter((i) => i.severity === 'error'),
        warnings: issues.filter((i) => i.severity === 'warning'),
        dstNote,
      });
    }
    rows.push({
      day,
      date,
      weekday,
      weekend: weekday >= 5,
      dst: nightOn(nights, date)?.change ?? null,
      cells,
    });
  }

  const reportByAssistant = new Map(data.reports.map((r) => [r.assistant, r]));
  const totals: AssistantTotals[] = data.assistants.map((col) => {
    steps++;
    const report = reportByAssistant.get(col.id);
    const byKind = Object.fromEntries(
      TIME_KINDS.map((k) => [k, { clock_minutes: 0, real_minutes: 0 }]),
    ) as AssistantTotals['byKind'];
    const dstNotes: string[] = [];
    if (report) {
      for (const k of TIME_KINDS) byKind[k] = { ...report.totals[k] };
      for (const row of report.rows) {
        steps++;
        if (row.dst_note) dstNotes.push(`${row.day}/${month}: ${row.dst_note}`);
      }
    }
    return {
      assistant: col.id,
      name: col.name,
      byKind,
      real_minutes: TIME_KINDS.reduce((sum, k) => sum + byKind[k].real_minutes, 0),
      errors: report?.errors.length ?? 0,
      warnings: report?.warnings.length ?? 0,
      dstNotes,
      dstShifts: dstShiftsOf.get(col.id) ?? [],
    };
  });

  return { rows, columns: data.assistants, totals, looseIssues, steps };
}
