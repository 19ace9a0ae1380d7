import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../cli/output/table.js';
import { createStyle } from '../../../cli/presentation/terminal.js';
import { firstItems } from '../../helpers/item-at.js';

describe('renderTable', () => {
  it('aligns columns two spaces apart, right-aligning numbers, without padding the last column', () => {
    const table = renderTable(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'URL' }],
      [
        ['echo', '1', 'http://localhost:5000/echo/'],
        ['a-longer-name', '12', '–'],
      ],
    );
    expect(table).toBe(['NAME            N  URL', 'echo            1  http://localhost:5000/echo/', 'a-longer-name  12  –', ''].join('\n'));
  });

  it('measures cells by their visible width when they are coloured', () => {
    const style = createStyle(true);
    const table = renderTable([{ header: 'STATUS' }, { header: 'X' }], [[style.green('ok'), 'y']]);
    const [, row] = firstItems(table.split('\n'), 2);
    expect(row.replace(/\x1b\[[0-9;]*m/g, '')).toBe('ok      y');
  });
});
