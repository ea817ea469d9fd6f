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

/** The id of the cell in row `r`, column `c` (what focus and the tests look for). */
export const cellId = (r: number, c: number) => `cell-${r}-${c}`;

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
  const title = issues ? ` title="${escapeHtml(issues)}"` : '';
  const note = cell.dstNote ? `<span class="dst-note">${escapeHtml(cell.dstNote)}</span>` : '';
  return (
    `<td id="${cellId(r, c)}" class="${cls}" tabindex="0" aria-label="${escapeHtml(label)}"${title}` +
    ` data-r="${r}" data-c="${c}">${escapeHtml(cell.text)}${note}</td>`
  );
}

/** The inside of one `<tr>`: the day's header cell and one cell per assistant column. */
export function gridRowHtml(row: GridRow, r: number, columns: { name: string }[], labels: GridLabels): string {
  const dstLabel = row.dst === 'autumn' ? labels.dstAutumnDay : row.dst === 'spring' ? labels.dstSpringDay : null;
  const mark = dstLabel ? `<span class="dst-mark" aria-label="${escapeHtml(dstLabel)}"> ⟲</span>` : '';
  let html =
    `<th scope="row" class="day"${dstLabel ? ` title="${escapeHtml(dstLabel)}"` : ''}>` +
    `${escapeHtml(labels.weekday(row.weekday))} ${row.day}${mark}</th>`;
  row.cells.forEach((cell, c) => {
    html += cellHtml(cell, r, c, columns[c]?.name ?? '', labels);
  });
  return html;
}
