// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { buildGridModel } from './gridModel';
import {
  COLUMN_BUFFER,
  COLUMN_WIDTH_PX,
  DAY_WIDTH_PX,
  columnWindow,
  escapeHtml,
  gridRowHtml,
  scrollToShow,
  type GridLabels,
} from './gridHtml';
import { DemoBackend } from './backend/demo';
import calendar from './backend/fixtures/calendar.json';
import type { DstNight } from './dst';

/** Rust's change nights of 2026 as the real demo recorded them. */
const NIGHTS: DstNight[] = (calendar.dst_changes as Record<string, { nights: DstNight[] }>)['2026']?.nights ?? [];
/** Åsa Öberg-Lind in the recorded Rust demo; Lena Ström works the night into the autumn change for her. */
const ASA = '197503231115';
import type { MonthGridData } from './backend/types';

const labels: GridLabels = {
  cell: (assistant, date, text) => `${assistant}, ${date}: ${text}`,
  empty: 'inga pass',
  errors: (n) => `${n} fel`,
  warnings: (n) => `${n} varningar`,
  weekday: (i) => ['mån', 'tis', 'ons', 'tors', 'fre', 'lör', 'sön'][i] ?? '',
  dstAutumnDay: 'Natten till vintertid',
  dstSpringDay: 'Natten till sommartid',
};

/** Parses a row the way the browser will and returns its assistant cells (not the spacers). */
function cells(html: string): HTMLTableCellElement[] {
  const table = document.createElement('table');
  table.innerHTML = `<tbody><tr>${html}</tr></tbody>`;
  return [...table.querySelectorAll('td.cell')] as HTMLTableCellElement[];
}

describe('month grid rows as HTML', () => {
  it('escapes everything that could be markup, in text and in attributes', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    );
  });

  it('shows a hostile name and message as text, never as markup', () => {
    const data: MonthGridData = {
      month: '2026-10',
      person: { personnummer: '194005122389', first_name: 'Elsa', last_name: 'Lindqvist' },
      assistants: [{ id: '199001010000', name: '<b onmouseover="x()">Ann</b>' }],
      shifts: [],
      reports: [],
      errors: [
        {
          severity: 'error',
          code: 'x',
          message: `"><script>alert(1)</script>`,
          assistant: '199001010000',
          date: '2026-10-01',
        },
      ],
      warnings: [],
      team: [],
      granted_hours: [],
    };
    const model = buildGridModel(data);
    const row = model.rows[0];
    if (!row) throw new Error('the month has a first day');
    const [td] = cells(gridRowHtml(row, 0, model.columns, labels));
    expect(td, 'one cell for the one assistant').toBeDefined();
    expect(td?.querySelector('script, b'), 'no element came from the data').toBeNull();
    expect(td?.getAttribute('title'), 'the message is the tooltip, verbatim').toBe(`"><script>alert(1)</script>`);
    expect(td?.getAttribute('aria-label')).toBe('<b onmouseover="x()">Ann</b>, 2026-10-01: inga pass, 1 fel');
    expect(td?.className).toBe('cell err');
  });

  it('gives every cell its id, position and label, and marks the autumn night', async () => {
    const model = buildGridModel(await new DemoBackend().monthGrid('2026-10', ASA), NIGHTS);
    const maria = model.columns.findIndex((c) => c.name === 'Lena Ström');
    const r = 23; // 24 October: Lena's night shift into the autumn night
    const row = model.rows[r];
    if (!row) throw new Error('24 October is in the month');
    const html = gridRowHtml(row, r, model.columns, labels);
    const tds = cells(html);
    expect(tds).toHaveLength(model.columns.length);
    const td = tds[maria];
    expect(td?.id).toBe(`cell-${r}-${maria}`);
    expect(td?.dataset.r).toBe(String(r));
    expect(td?.dataset.c).toBe(String(maria));
    expect(td?.tabIndex, 'every cell can take focus for keyboard use').toBe(0);
    expect(td?.firstChild?.textContent).toBe('22–07 V');
    expect(td?.querySelector('.dst-note')?.textContent).toBe('+1 h, vintertid');
    expect(td?.getAttribute('aria-label')).toBe('Lena Ström, 2026-10-24: 22–07 V, +1 h, vintertid');
    const night = model.rows[24];
    if (!night) throw new Error('25 October is in the month');
    expect(gridRowHtml(night, 24, model.columns, labels), 'the day header says it is the autumn night').toContain(
      'title="Natten till vintertid"',
    );
  });

  it('gives the same string for the same row, so an unchanged row is not replaced', async () => {
    const backend = new DemoBackend();
    const a = buildGridModel(await backend.monthGrid('2026-10', ASA), NIGHTS);
    const b = buildGridModel(await backend.monthGrid('2026-10', ASA), NIGHTS);
    const rowA = a.rows[5];
    const rowB = b.rows[5];
    if (!rowA || !rowB) throw new Error('6 October is in the month');
    expect(gridRowHtml(rowA, 5, a.columns, labels)).toBe(gridRowHtml(rowB, 5, b.columns, labels));
  });

  it('renders only the columns in the window, between two spacers, each with its column index', async () => {
    const model = buildGridModel(await new DemoBackend().monthGrid('2026-10', ASA), NIGHTS);
    const row = model.rows[5];
    if (!row) throw new Error('6 October is in the month');
    const table = document.createElement('table');
    table.innerHTML = `<tbody><tr>${gridRowHtml(row, 5, model.columns, labels, { from: 1, to: 2 })}</tr></tbody>`;
    const all = [...table.querySelectorAll('tr > *')];
    expect(all.map((el) => el.className), 'day, spacer, the one column, spacer').toEqual(['day', 'pad', expect.stringContaining('cell'), 'pad']);
    expect(all[1]?.getAttribute('aria-hidden'), 'screen readers skip the spacers').toBe('true');
    expect(all[2]?.id).toBe('cell-5-1');
    expect(all[2]?.getAttribute('aria-colindex'), 'the day column is 1, the first assistant 2').toBe('3');
    expect(all[0]?.getAttribute('aria-colindex')).toBe('1');
  });
});

describe('which columns are rendered', () => {
  const view = DAY_WIDTH_PX + 6 * COLUMN_WIDTH_PX; // an area that shows six columns

  it('gives a person with few assistants every column', () => {
    expect(columnWindow(3, 0, view)).toEqual({ from: 0, to: 3 });
    expect(columnWindow(0, 0, view)).toEqual({ from: 0, to: 0 });
  });

  it('renders the columns in view plus a buffer either side, never outside the grid', () => {
    expect(columnWindow(40, 0, view), 'at the left edge').toEqual({ from: 0, to: 6 + COLUMN_BUFFER });
    const left = 10 * COLUMN_WIDTH_PX + 30; // column 10 partly scrolled past
    expect(columnWindow(40, left, view), 'in the middle').toEqual({ from: 10 - COLUMN_BUFFER, to: 17 + COLUMN_BUFFER });
    expect(columnWindow(40, 40 * COLUMN_WIDTH_PX, view), 'scrolled to the end').toEqual({ from: 40 - COLUMN_BUFFER, to: 40 });
    expect(columnWindow(40, -50, view), 'a rubber-band overscroll counts as the left edge').toEqual({ from: 0, to: 6 + COLUMN_BUFFER });
  });

  it('covers every visible pixel for any scroll position and width (so no cell shows blank)', () => {
    for (let count = 0; count <= 45; count += 5) {
      for (let width = DAY_WIDTH_PX; width <= 2000; width += 193) {
        for (let left = 0; left <= count * COLUMN_WIDTH_PX; left += 53) {
          const { from, to } = columnWindow(count, left, width);
          const firstVisible = Math.floor(left / COLUMN_WIDTH_PX);
          const lastVisible = Math.min(count, Math.ceil((left + width - DAY_WIDTH_PX) / COLUMN_WIDTH_PX));
          expect(from <= Math.min(firstVisible, count) && to >= lastVisible, `count ${count}, width ${width}, left ${left}: ${from}..${to}`).toBe(true);
          expect(to - from <= Math.ceil(width / COLUMN_WIDTH_PX) + 2 * COLUMN_BUFFER + 1, 'and not many more').toBe(true);
        }
      }
    }
  });

  it('scrolls the least needed to show a column wholly right of the day column', () => {
    expect(scrollToShow(3, 0, view), 'already visible: no scroll').toBe(0);
    expect(scrollToShow(8, 0, view), 'right of the view: its right edge at the view\'s').toBe(3 * COLUMN_WIDTH_PX);
    expect(scrollToShow(2, 5 * COLUMN_WIDTH_PX, view), 'left of the view: its left edge at the day column').toBe(2 * COLUMN_WIDTH_PX);
  });
});
