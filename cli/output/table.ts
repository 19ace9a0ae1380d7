import { visibleWidth } from '../presentation/terminal.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Columns aligned with two spaces between them; the last column is not padded. */
export function renderTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((column, index) => Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[index] ?? ''))));
  const renderRow = (cells: string[]): string =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const isLast = index === columns.length - 1;
        return isLast && column.align !== 'right' ? cell : pad(cell, widths[index] ?? 0, column.align ?? 'left');
      })
      .join('  ')
      .trimEnd();
  return `${[renderRow(columns.map((column) => column.header)), ...rows.map(renderRow)].join('\n')}\n`;
}
