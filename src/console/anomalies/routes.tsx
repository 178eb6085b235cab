// The console's anomalies (admins only, by app.tsx): the flagged list, and resolving or reopening one.
import { Hono } from 'hono';
import { z } from 'zod';
import { ANOMALY_KINDS } from '../../domain/anomalies';
import { listVisibleAnomalies, resolveAnomaly } from '../../services/anomalies';
import type { ConsoleEnv } from '../context';
import { listPage } from '../list-page';
import { AnomaliesPage, type AnomalyFilters } from './anomalies-page';

export const anomaliesRoutes = new Hono<ConsoleEnv>();

const listQuery = z.object({
  partnerId: z.string().max(80).optional(),
  kind: z.enum(ANOMALY_KINDS).optional(),
  state: z.enum(['open', 'resolved']).optional(),
  cursor: z.string().max(200).optional(),
});

anomaliesRoutes.get('/', (c) => {
  const { scope } = c.get('session');
  const asked = c.req.query();
  const filters: AnomalyFilters = { partnerId: asked.partnerId, kind: asked.kind, state: asked.state };
  return listPage(
    c,
    listQuery,
    (q, page) =>
      listVisibleAnomalies(c.env, scope, {
        ...page,
        partnerId: q.partnerId,
        kind: q.kind,
        resolved: q.state === undefined ? undefined : q.state === 'resolved',
      }),
    (view) => <AnomaliesPage ui={c.get('ui')} filters={filters} done={c.req.query('done')} {...view} />,
  );
});

/** Back to the list as it was filtered when the button was pressed, saying what was done. */
function backTo(back: unknown, done: string): string {
  const url = new URL(
    typeof back === 'string' && /^\/console\/anomalies(?:[?]|$)/.test(back) ? back : '/console/anomalies',
    'http://console',
  );
  url.searchParams.set('done', done);
  return url.pathname + url.search;
}

anomaliesRoutes.post('/:id/resolve', async (c) => {
  const body = await c.req.parseBody();
  await resolveAnomaly(c.env, c.get('session').scope, c.req.param('id'), true);
  return c.redirect(backTo(body.back, 'resolved'), 303);
});

anomaliesRoutes.post('/:id/reopen', async (c) => {
  const body = await c.req.parseBody();
  await resolveAnomaly(c.env, c.get('session').scope, c.req.param('id'), false);
  return c.redirect(backTo(body.back, 'reopened'), 303);
});
