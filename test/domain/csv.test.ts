import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, toCsv } from '../../src/domain/csv';

describe('parseCsv', () => {
  it('reads a comma-separated table', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual({
      separator: ',',
      rows: [
        ['a', 'b'],
        ['1', '2'],
      ],
    });
  });

  it('detects semicolons and drops a BOM', () => {
    expect(parseCsv('\uFEFFid;amount\r\nA1;10,50\r\n')).toEqual({
      separator: ';',
      rows: [
        ['id', 'amount'],
        ['A1', '10,50'],
      ],
    });
  });

  it('keeps separators, quotes and line breaks inside quoted fields', () => {
    const text = 'id,note\r\n"A,1","say ""hi""\r\nthen go"\r\n';
    expect(parseCsv(text).rows).toEqual([
      ['id', 'note'],
      ['A,1', 'say "hi"\r\nthen go'],
    ]);
  });

  it('reads empty fields, quoted or not, and a last line without a line break', () => {
    expect(parseCsv('a,b,c\n,"",x').rows).toEqual([
      ['a', 'b', 'c'],
      ['', '', 'x'],
    ]);
  });

  it('skips blank lines', () => {
    expect(parseCsv('a\n\n1\n\n').rows).toEqual([['a'], ['1']]);
  });

  it('ignores separators inside quotes when detecting the separator', () => {
    expect(parseCsv('"a;b;c",d\n1,2').separator).toBe(',');
  });

  it('refuses a quote never closed, with its line', () => {
    expect(() => parseCsv('a\n"oops\n')).toThrow(CsvError);
    try {
      parseCsv('a\nb\n"oops');
    } catch (e) {
      expect((e as CsvError).line).toBe(3);
    }
  });

  it('refuses text after a closing quote', () => {
    expect(() => parseCsv('"a"b,c')).toThrow(/after a closing quote/);
  });
});

describe('toCsv', () => {
  it('quotes only where needed and ends lines with CRLF', () => {
    expect(
      toCsv([
        ['source', 'clicks'],
        ['a,b', 3],
        ['say "x"', null],
        [' pad', true],
      ]),
    ).toBe('source,clicks\r\n"a,b",3\r\n"say ""x""",\r\n" pad",true\r\n');
  });

  it('defuses text that a spreadsheet would run as a formula', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1', '-2', '@a', -2]])).toBe('"\'=HYPERLINK(""x"")",\'+1,\'-2,\'@a,-2\r\n');
  });

  it('reads back what it writes', () => {
    const safeText = fc.string().filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.array(safeText, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const nonBlank = rows.filter((r) => r.some((c) => c !== ''));
          const table = parseCsv(toCsv(nonBlank));
          expect(table.rows).toEqual(nonBlank);
        },
      ),
    );
  });
});
