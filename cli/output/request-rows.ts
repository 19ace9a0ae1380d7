import type { RequestRecord } from '../../protocol/index.js';
import { fit } from '../presentation/format.js';
import { httpStatusColour, REQUEST_COLUMNS, requestCells } from '../presentation/request-view.js';
import type { Style } from '../presentation/terminal.js';

const STATUS_COLUMN = REQUEST_COLUMNS.findIndex((column) => column.header === 'STATUS');

function row(cells: string[], paintStatus: (text: string) => string): string {
  return REQUEST_COLUMNS.map((column, index) => {
    const text = cells[index] ?? '';
    if (column.width === 0) return text;
    const cell = fit(text, column.width, 'align' in column ? column.align : 'left');
    return index === STATUS_COLUMN ? paintStatus(cell) : cell;
  }).join('  ');
}

/** Fixed-width columns, so rows printed as they come (with -f) line up under one header. */
export function requestHeader(style: Style): string {
  return `${style.dim(
    row(
      REQUEST_COLUMNS.map((column) => column.header),
      (text) => text,
    ),
  )}\n`;
}

export function requestRows(records: RequestRecord[], style: Style): string {
  return records
    .map((record) => {
      const colour = httpStatusColour(record.status);
      return `${row(requestCells(record), colour === null ? (text) => text : style[colour])}\n`;
    })
    .join('');
}
