// PURE aligned-column rendering, in the manner of `ip -br`: widths come from the visible
// text, colour is applied after padding so escapes never skew the columns.

export type Align = 'left' | 'right';

export interface StyledCell {
  text: string;
  /** Applied after padding; must not change the visible width. */
  paint?: (s: string) => string;
}

export type Cell = string | StyledCell;

export interface Column {
  header: string;
  align?: Align;
}

export interface TableOptions {
  /** Spaces between columns. */
  gap?: number;
  /** Paints the header row (e.g. bold); identity when omitted. */
  headerPaint?: (s: string) => string;
  /** Omit the header row. */
  noHeader?: boolean;
}

const textOf = (c: Cell): string => (typeof c === 'string' ? c : c.text);

function pad(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - [...text].length));
  return align === 'right' ? fill + text : text + fill;
}

/** Column widths: the widest visible text of each column, header included unless hidden. */
export function columnWidths(columns: Column[], rows: Cell[][], withHeader = true): number[] {
  return columns.map((col, i) => {
    let w = withHeader ? [...col.header].length : 0;
    for (const row of rows) w = Math.max(w, [...textOf(row[i] ?? '')].length);
    return w;
  });
}

/** Renders lines without trailing spaces; rows shorter than the columns get empty cells. */
export function renderTable(columns: Column[], rows: Cell[][], opts: TableOptions = {}): string[] {
  const gap = ' '.repeat(opts.gap ?? 2);
  const widths = columnWidths(columns, rows, !opts.noHeader);
  const last = columns.length - 1;
  const line = (cells: Cell[], headerPaint?: (s: string) => string): string => {
    const parts = columns.map((col, i) => {
      const cell = cells[i] ?? '';
      const align = col.align ?? 'left';
      // The last left-aligned column needs no padding: it would only be trailing blanks.
      const padded = i === last && align === 'left' ? textOf(cell) : pad(textOf(cell), widths[i], align);
      const paint = headerPaint ?? (typeof cell === 'string' ? undefined : cell.paint);
      return paint ? paint(padded) : padded;
    });
    return parts.join(gap).replace(/\s+$/, '');
  };
  const out: string[] = [];
  if (!opts.noHeader) out.push(line(columns.map((c) => c.header), opts.headerPaint));
  for (const row of rows) out.push(line(row));
  return out;
}
