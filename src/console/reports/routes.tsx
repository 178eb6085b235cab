// The console's reports: breakdowns and time to convert over a range, as a page or as the CSV of its table.
import { Hono } from 'hono';
import { dateIn, timeZoneOf } from '../../domain/calendar';
import type { Period } from '../../domain/period';
import { csvResponse } from '../../http/csv-response';
import { liveBreakdownReport, liveTimeToConversionReport, reportChoices } from '../../services/live-reports';
import type { ConsoleEnv } from '../context';
import { rangeProblemOf, rangeValuesOf } from '../ui/range-filters';
import {
  breakdownTable,
  csvCell,
  REPORT_DIMENSIONS,
  type ReportDimension,
  type ReportTable,
  timeTable,
} from './report-table';
import { ReportsPage } from './reports-page';

export const reportsRoutes = new Hono<ConsoleEnv>();

const isDimension = (value: string | undefined): value is ReportDimension =>
  (REPORT_DIMENSIONS as readonly (string | undefined)[]).includes(value);

reportsRoutes.get('/', async (c) => {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const values = rangeValuesOf((name) => c.req.query(name));
  const asked = c.req.query('dimension');
  const dimension: ReportDimension = isDimension(asked) ? asked : 'source';
  const today = dateIn(Date.now(), timeZoneOf(c.env.REPORT_TIMEZONE));
  const ask = { from: values.from, to: values.to, partnerId: values.partner };
  const choices = await reportChoices(c.env, scope);
  try {
    let report: { period: Period; table: ReportTable; isMixed: boolean };
    if (dimension === 'time') {
      const { period, buckets } = await liveTimeToConversionReport(c.env, scope, ask);
      report = { period, table: timeTable(ui.lang, buckets), isMixed: false };
    } else {
      const { period, lines } = await liveBreakdownReport(c.env, scope, { ...ask, dimension });
      const isMixed = new Set(lines.map((l) => l.currency)).size > 1;
      report = { period, table: breakdownTable(ui.lang, dimension, lines, values.bots), isMixed };
    }
    if (c.req.query('format') === 'csv') {
      const { headers, rows } = report.table;
      return csvResponse(
        `report-${dimension}-${report.period.from}-${report.period.to}.csv`,
        headers,
        rows.map((cells) => Object.fromEntries(cells.map((cell, i) => [headers[i], csvCell(cell)]))),
      );
    }
    const shown = { ...values, from: report.period.from, to: report.period.to };
    const partnerName = choices.find((p) => p.id === values.partner)?.name ?? null;
    return c.html(
      <ReportsPage
        ui={ui}
        values={shown}
        dimension={dimension}
        today={today}
        choices={choices}
        partnerName={partnerName}
        report={report}
      />,
    );
  } catch (err) {
    const problem = rangeProblemOf(err);
    if (!problem) throw err;
    return c.html(
      <ReportsPage
        ui={ui}
        values={values}
        dimension={dimension}
        today={today}
        choices={choices}
        partnerName={null}
        report={null}
        problem={problem}
      />,
      400,
    );
  }
});
