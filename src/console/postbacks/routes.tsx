// The console's postback log: entries and their details, the counts of refused attempts, and an admin's replay.
import { Hono } from 'hono';
import { z } from 'zod';
import { POSTBACK_OUTCOMES } from '../../domain/postback-outcome';
import { partnerNamesInReach } from '../../services/partner-names';
import { listVisiblePostbackFailures } from '../../services/postback-failures';
import { listVisiblePostbacks, replayLoggedPostback, visiblePostback } from '../../services/postback-log';
import type { ConsoleEnv } from '../context';
import { listPage } from '../list-page';
import { adminOnly } from '../session';
import { PostbackEntryPage } from './entry-page';
import { type FailureFilters, PostbackFailuresPage } from './failures-page';
import { FAILURE_CODES } from './labels';
import { type PostbackFilters, PostbackLogPage } from './log-page';

export const postbacksRoutes = new Hono<ConsoleEnv>();

const logQuery = z.object({
  partnerId: z.string().max(80).optional(),
  outcome: z.enum(POSTBACK_OUTCOMES).optional(),
  cursor: z.string().max(200).optional(),
});

postbacksRoutes.get('/', (c) => {
  const { scope } = c.get('session');
  const asked = c.req.query();
  const filters: PostbackFilters = { partnerId: asked.partnerId, outcome: asked.outcome };
  return listPage(
    c,
    logQuery,
    (q, page) => listVisiblePostbacks(c.env, scope, { ...page, partnerId: q.partnerId, outcome: q.outcome }),
    (view) => <PostbackLogPage ui={c.get('ui')} filters={filters} {...view} />,
  );
});

const failureQuery = z.object({
  partnerId: z.string().max(80).optional(),
  errorCode: z.enum(FAILURE_CODES).optional(),
  cursor: z.string().max(200).optional(),
});

postbacksRoutes.get('/failures', (c) => {
  const { scope } = c.get('session');
  const asked = c.req.query();
  const filters: FailureFilters = { partnerId: asked.partnerId, errorCode: asked.errorCode };
  return listPage(
    c,
    failureQuery,
    (q, page) => listVisiblePostbackFailures(c.env, scope, { ...page, partnerId: q.partnerId, errorCode: q.errorCode }),
    (view) => <PostbackFailuresPage ui={c.get('ui')} filters={filters} {...view} />,
  );
});

postbacksRoutes.get('/:id', async (c) => {
  const ui = c.get('ui');
  const { scope } = c.get('session');
  const entry = await visiblePostback(c.env, scope, c.req.param('id'));
  const partners = entry.partnerId ? await partnerNamesInReach(c.env, scope) : [];
  const partnerName = partners.find((p) => p.id === entry.partnerId)?.name ?? null;
  return c.html(<PostbackEntryPage ui={ui} entry={entry} partnerName={partnerName} done={c.req.query('done')} />);
});

// Partners' users only read the log: replaying is an admin's.
postbacksRoutes.use('/:id/*', adminOnly);

postbacksRoutes.post('/:id/replay', async (c) => {
  const body = await c.req.parseBody();
  const dryRun = body.dryRun === '1';
  const replayed = await replayLoggedPostback(c.env, c.get('session').scope, c.req.param('id'), { dryRun });
  // The replay is an entry of its own: its page says what it was answered.
  return c.redirect(`/console/postbacks/${replayed.logId}?done=${dryRun ? 'dry-run' : 'replayed'}`, 303);
});
