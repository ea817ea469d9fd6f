/**
 * The month grid's rows as HTML strings, one per day.
 *
 * Why strings and not a Svelte template per cell: a person with 40 assistants has 1 240 cells,
 * and a Svelte block per cell (its effects, its `{#if}`s) cost more than WebKit's own layout of
 * the whole table. One string per row is parsed natively, and when the data is reloaded after an
 * edit only the rows whose string changed are replaced. Every text that comes from data (names,
 * messages, notes) goes through `escapeHtml`; nothing else is ever put into the strings.
 *
 * Events are not in the strings: the table listens once (keydown, focusin, dblclick) and finds
 * the cell from its `data-r` / `data-c`; the editor is an overlay outside the rows.
 *
 * Only the assistant columns in view (plus a few either side) are in the DOM: the grid's area
 * shows about six of a 40-assistant person's columns, and WebKit's layout and paint of the table
 * grow with its cells. Every column has the same fixed width (`COLUMN_WIDTH_PX`), so where a
 * column lies is arithmetic (`columnWindow`); an empty spacer cell before and after the shown
 * columns keeps the table as wide as all of them, so the scroll bar stays true. Screen readers
 * get the whole grid's size from `aria-colcount` and each cell's place from `aria-colindex`.
 */
import type { GridCell, GridRow } from './gridModel';

/** Text made safe for HTML content and for a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The words a row needs, in the UI's language (given by the screen, so this stays pure). */
export interface GridLabels {
  /** `Anna Berg, 2026-10-05: 08–16` — what a screen reader says for a cell. */
  cell: (assistant: string, date: string, text: string) => string;
  /** What an empty cell says instead of its text. */
  empty: string;
  errors: (n: number) => string;
  warnings: (n: number) => string;
  /** Short weekday name, Monday = 0. */
  weekday: (mondayFirst: number) => string;
  dstAutumnDay: string;
  dstSpringDay: string;
}

/** The width of every assistant column, in CSS pixels (the screen's stylesheet uses the same). */
export const COLUMN_WIDTH_PX = 120;
/** The width of the day column, which stays at the left edge while scrolling. */
export const DAY_WIDTH_PX = 88;
/** Columns rendered beyond each edge of the view, so a short scroll shows cells at once. */
export const COLUMN_BUFFER = 2;

/** The assistant columns `from` (inclusive) to `to` (exclusive) that are in the DOM. */
export interface ColumnWindow {
  from: number;
  to: number;
}

/**
 * The columns to render for a grid area scrolled to `scrollLeft` and `viewWidth` pixels wide:
 * those at least partly visible right of the sticky day column, plus `COLUMN_BUFFER` either side.
 * A person with few assistants gets all of them.
 */
export function columnWindow(count: number, scrollLeft: number, viewWidth: number): ColumnWindow {
  const left = Math.max(0, scrollLeft);
  const first = Math.floor(left / COLUMN_WIDTH_PX);
  const last = Math.ceil((left + Math.max(0, viewWidth - DAY_WIDTH_PX)) / COLUMN_WIDTH_PX);
  const from = Math.max(0, Math.min(count, first - COLUMN_BUFFER));
  const to = Math.max(from, Math.min(count, last + COLUMN_BUFFER));
  return { from, to };
}

/**
 * Where to scroll so column `c` is wholly visible right of the day column (the least movement
 * from `scrollLeft`), for keyboard moves and jumps to an issue.
 */
export function scrollToShow(c: number, scrollLeft: number, viewWidth: number): number {
  const start = c * COLUMN_WIDTH_PX; // the column's left edge, in scroll coordinates past the day column
  const visible = Math.max(COLUMN_WIDTH_PX, viewWidth - DAY_WIDTH_PX);
  if (start < scrollLeft) return start;
  if (start + COLUMN_WIDTH_PX > scrollLeft + visible) return start + COLUMN_WIDTH_PX - visible;
  return scrollLeft;
}

/** The empty cell standing in for the columns not rendered (see the module's comment). */
const SPACER = '<td class="pad" aria-hidden="true"></td>';

/** The id of the cell in row `r`, column `c` (what focus and the tests look for). */
export const cellId = (r: number, c: number) => `cell-${r}-${c}`;

/** Characters that fit a column (`08–16; 22–07 B` is 14); longer texts get a tooltip. */
const LONG_TEXT = 14;

function cellHtml(cell: GridCell, r: number, c: number, column: string, labels: GridLabels): string {
  let cls = 'cell';
  if (cell.errors.length) cls += ' err';
  if (cell.warnings.length) cls += ' warn';
  if (cell.dstNote !== null) cls += ' has-dst';
  let label = labels.cell(column, cell.date, cell.text || labels.empty);
  if (cell.dstNote) label += `, ${cell.dstNote}`;
  if (cell.errors.length) label += `, ${labels.errors(cell.errors.length)}`;
  if (cell.warnings.length) label += `, ${labels.warnings(cell.warnings.length)}`;
  const issues = [...cell.errors, ...cell.warnings].map((i) => i.message).join('\n');
  // A text longer than the fixed column shows cut off with "…": the tooltip has it whole.
  const tip = issues || (cell.text.length > LONG_TEXT ? cell.text : '');
  const title = tip ? ` title="${escapeHtml(tip)}"` : '';
  const note = cell.dstNote ? `<span class="dst-note">${escapeHtml(cell.dstNote)}</span>` : '';
  return (
    `<td id="${cellId(r, c)}" class="${cls}" tabindex="0" aria-colindex="${c + 2}"` +
    ` aria-label="${escapeHtml(label)}"${title} data-r="${r}" data-c="${c}">` +
    `${escapeHtml(cell.text)}${note}</td>`
  );
}

/**
 * The inside of one `<tr>`: the day's header cell, a spacer for the columns left of `shown`,
 * one cell per assistant column in `shown` (all of them when it is not given), a spacer for the
 * columns right of it. The spacers are empty and hidden from screen readers; their widths come
 * from the header row.
 */
export function gridRowHtml(
  row: GridRow,
  r: number,
  columns: { name: string }[],
  labels: GridLabels,
  shown: ColumnWindow = { from: 0, to: columns.length },
): string {
  const dstLabel = row.dst === 'autumn' ? labels.dstAutumnDay : row.dst === 'spring' ? labels.dstSpringDay : null;
  const mark = dstLabel ? `<span class="dst-mark" aria-label="${escapeHtml(dstLabel)}"> ⟲</span>` : '';
  let html =
    `<th scope="row" class="day" aria-colindex="1"${dstLabel ? ` title="${escapeHtml(dstLabel)}"` : ''}>` +
    `${escapeHtml(labels.weekday(row.weekday))} ${row.day}${mark}</th>` +
    SPACER;
  const to = Math.min(shown.to, row.cells.length);
  for (let c = Math.max(0, shown.from); c < to; c++) {
    const cell = row.cells[c];
    if (cell) html += cellHtml(cell, r, c, columns[c]?.name ?? '', labels);
  }
  return html + SPACER;
}
