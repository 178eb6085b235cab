// The console's statements pages (admins only): the list, a printable statement, marking it paid.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { dateIn, isCalendarMonth } from '../../domain/calendar';
import { STATEMENT_FILTERS } from '../../domain/statements';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import { listVisibleStatements, markPaid, visibleStatement } from '../../services/statements';
import type { ConsoleEnv } from '../context';
import { partnerOptionsOf } from '../partner-options';
import { paidAtProblem, type StatementFilters, StatementPage, StatementsPage } from './pages';

export const statementsRoutes = new Hono<ConsoleEnv>();

/** Rows a page lists. */
const PAGE = 50;

const listQuery = z.object({
  partner: z.string().optional(),
  month: z.string().optional(),
  status: z.enum(STATEMENT_FILTERS).optional().catch(undefined),
  cursor: z.string().optional(),
});

statementsRoutes.get('/', async (c) => {
  const { scope } = c.get('session');
  const q = listQuery.parse(c.req.query());
  const monthText = q.month?.trim() || undefined;
  const isMonthBad = monthText !== undefined && !isCalendarMonth(monthText);
  const filters: StatementFilters = {
    partner: q.partner || undefined,
    month: isMonthBad ? undefined : monthText,
    status: q.status,
  };
  const nowMs = Date.now();
  const [partners, rows] = await Promise.all([
    partnerOptionsOf(c.env, scope),
    isMonthBad
      ? Promise.resolve([])
      : listVisibleStatements(
          c.env,
          scope,
          {
            limit: PAGE,
            before: decodeCursor(q.cursor),
            partnerId: filters.partner,
            month: filters.month,
            status: filters.status,
          },
          nowMs,
        ),
  ]);
  const shown = rows.slice(0, PAGE);
  const page = (
    <StatementsPage
      ui={c.get('ui')}
      partners={partners}
      filters={filters}
      monthText={monthText}
      monthError={isMonthBad}
      statements={shown}
      nextCursor={rows.length > PAGE ? encodeCursor(shown[PAGE - 1]?.id ?? '') : null}
      nowMs={nowMs}
    />
  );
  return c.html(page, isMonthBad ? 400 : 200);
});

/** The statement's page; `paid` is what the "Mark paid" form was sent with when it is shown again. */
async function statementPage(c: Context<ConsoleEnv>, paid?: { paidAt: string; error: string }) {
  const { statement, lines } = await visibleStatement(c.env, c.get('session').scope, c.req.param('id') ?? '');
  const nowMs = Date.now();
  const ui = c.get('ui');
  return (
    <StatementPage
      // Shown again after a refused form: the language switch comes back to the statement, not the form's address.
      ui={paid ? { ...ui, here: `/console/statements/${statement.id}` } : ui}
      statement={statement}
      lines={lines}
      nowMs={nowMs}
      paidAt={paid?.paidAt ?? dateIn(nowMs, ui.fmt.timeZone)}
      paidAtError={paid?.error}
      done={c.req.query('done') === 'paid'}
    />
  );
}

statementsRoutes.get('/:id', async (c) => c.html(await statementPage(c)));

statementsRoutes.post('/:id/paid', async (c) => {
  const ui = c.get('ui');
  const body = await c.req.parseBody();
  const paidAt = typeof body['paidAt'] === 'string' ? body['paidAt'].trim() : '';
  // Worded here in the page's language; markPaid still refuses a day to come on its own.
  if (!z.iso.date().safeParse(paidAt).success) {
    return c.html(await statementPage(c, { paidAt, error: paidAtProblem(ui, 'notADate') }), 400);
  }
  if (paidAt > dateIn(Date.now(), ui.fmt.timeZone)) {
    return c.html(await statementPage(c, { paidAt, error: paidAtProblem(ui, 'inFuture') }), 400);
  }
  await markPaid(c.env, c.req.param('id'), paidAt);
  return c.redirect(`/console/statements/${c.req.param('id')}?done=paid`, 303);
});
