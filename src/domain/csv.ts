// CSV in and out: partners' reports read per RFC 4180 (either separator, with or without BOM), exports written safely.

/** A CSV text that cannot be read; `line` is 1-based. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export type CsvTable = { separator: ',' | ';'; rows: string[][] };

/**
 * Reads CSV text into rows of fields. The separator is `;` when the first line has more `;`
 * than `,` outside quotes (spreadsheets in French locales write `;`), else `,`. Quoted fields may
 * hold separators, line breaks and doubled quotes; CRLF and LF both end a record; a leading
 * BOM is dropped; blank lines are skipped. Throws `CsvError` on a quote left open or stray
 * characters after a closing quote.
 * @example parseCsv('\uFEFFid;amount\r\n"A;1";"10,50"\r\n') // { separator: ';', rows: [['id', 'amount'], ['A;1', '10,50']] }
 */
export function parseCsv(text: string): CsvTable {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const separator = detectSeparator(input);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  // Whether the current field was quoted: `""` is an empty field, not the start of a quote.
  let wasQuoted = false;
  let line = 1;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    const blank = row.length === 0 && field === '' && !wasQuoted;
    endField();
    if (!blank) rows.push(row);
    row = [];
  };
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === '"' && field === '' && !wasQuoted) {
      const start = line;
      wasQuoted = true;
      i++;
      for (;;) {
        if (i >= input.length) throw new CsvError('A quoted field is never closed.', start);
        const q = input[i] as string;
        i++;
        if (q === '"') {
          if (input[i] !== '"') break;
          i++;
        } else if (q === '\n') line++;
        field += q;
      }
      const next = input[i];
      if (next !== undefined && next !== separator && next !== '\r' && next !== '\n') {
        throw new CsvError('Unexpected text after a closing quote.', line);
      }
    } else if (ch === separator) {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      if (wasQuoted) throw new CsvError('Unexpected text after a closing quote.', line);
      field += ch;
      i++;
    }
  }
  if (field !== '' || wasQuoted || row.length > 0) endRecord();
  return { separator, rows };
}

function detectSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

export type CsvCell = string | number | boolean | null | undefined;

/**
 * Writes rows as RFC 4180 CSV (`,`, CRLF, quotes where needed, `;` included so that
 * `parseCsv` never mistakes it for the separator). Text cells starting with
 * `=`, `+`, `-`, `@`, tab or CR get a leading `'`: values such as sub-ids come from visitors and
 * must not run as spreadsheet formulas. Numbers are written as they are.
 * @example toCsv([['source', 'clicks'], ['a,b', 3]]) // 'source,clicks\r\n"a,b",3\r\n'
 */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + (rows.length ? '\r\n' : '');
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
