// The console's overview: the signed-in person's figures over a range, today's live.
import { Hono } from 'hono';
import { dateIn, timeZoneOf } from '../../domain/calendar';
import { overviewReport, reportChoices } from '../../services/live-reports';
import type { ConsoleEnv } from '../context';
import { rangeProblemOf, rangeValuesOf } from '../ui/range-filters';
import { OverviewPage } from './overview-page';

export const overviewRoutes = new Hono<ConsoleEnv>();

overviewRoutes.get('/', async (c) => {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const values = rangeValuesOf((name) => c.req.query(name));
  const today = dateIn(Date.now(), timeZoneOf(c.env.REPORT_TIMEZONE));
  try {
    const overview = await overviewReport(c.env, scope, {
      ...values,
      partnerId: values.partner,
      withBots: values.bots,
    });
    // The fields show the days shown, defaults included.
    const shown = { ...values, from: overview.period.from, to: overview.period.to };
    return c.html(<OverviewPage ui={ui} values={shown} today={today} choices={overview.choices} overview={overview} />);
  } catch (err) {
    const problem = rangeProblemOf(err);
    if (!problem) throw err;
    const choices = await reportChoices(c.env, scope);
    return c.html(
      <OverviewPage ui={ui} values={values} today={today} choices={choices} overview={null} problem={problem} />,
      400,
    );
  }
});
