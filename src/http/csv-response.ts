// CSV answers of the API: reports and comparisons downloaded as files.
import { type CsvCell, toCsv } from '../domain/csv';

/**
 * A `text/csv` answer of `rows` under the given columns, as a download named `filename`.
 * @example csvResponse('daily-2026-11-01-2026-11-24.csv', ['date', 'clicks'], [{ date: '2026-11-01', clicks: 3 }])
 */
export function csvResponse(filename: string, columns: readonly string[], rows: readonly Record<string, unknown>[]) {
  const cells = rows.map((r) => columns.map((col) => r[col] as CsvCell));
  return new Response(toCsv([columns, ...cells]), {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    },
  });
}
