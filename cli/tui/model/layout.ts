export interface Layout {
  width: number;
  /** Service rows the table shows at once. */
  tableRows: number;
  /** Height of the detail/log (or form/help) section, borders included. */
  bottomHeight: number;
  detailWidth: number;
  logWidth: number;
}

const HEADER_LINES = 1;
const STATUS_LINES = 1;
const FOOTER_LINES = 2;
/** Border (2) and column titles (1) around the table rows. */
const TABLE_CHROME = 3;
const MIN_BOTTOM = 5;

/**
 * Split the terminal between the table and the panes below it. The whole frame stays one
 * line shorter than the terminal: Ink redraws the full screen when output fills it.
 */
export function computeLayout(columns: number, rows: number, serviceCount: number): Layout {
  const width = Math.max(20, columns);
  const body = Math.max(MIN_BOTTOM + TABLE_CHROME + 1, rows - 1 - HEADER_LINES - STATUS_LINES - FOOTER_LINES);
  const tableCap = Math.max(1, Math.floor(body * 0.5) - TABLE_CHROME);
  const tableRows = Math.max(1, Math.min(serviceCount, tableCap, body - TABLE_CHROME - MIN_BOTTOM));
  const bottomHeight = body - tableRows - TABLE_CHROME;
  const detailWidth = width >= 90 ? Math.min(64, Math.floor(width * 0.42)) : 0;
  return { width, tableRows, bottomHeight, detailWidth, logWidth: width - detailWidth };
}
