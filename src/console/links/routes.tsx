// The console's links pages: the list, a link's page and QR code, and (admins) creating, changing, disabling, deleting.
import { Hono, type MiddlewareHandler } from 'hono';
import { renderSVG } from 'uqr';
import { z } from 'zod';
import { datesBetween } from '../../domain/calendar';
import { originOf } from '../../http/origin';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import type { ConsoleSession } from '../../services/console-sessions';
import {
  deleteLink,
  findLinks,
  type Link,
  linkActivity,
  linkOf,
  partnerChoices,
  partnerOfLink,
} from '../../services/link-directory';
import { createLink, editLink } from '../../services/links';
import { dailyReport } from '../../services/reports';
import type { ConsoleEnv } from '../context';
import { ProblemPage } from '../ui/problem-page';
import type { Ui } from '../ui/ui';
import { LinkFormPage } from './link-form';
import {
  blankLinkValues,
  type FieldErrors,
  fieldErrorsOfRefusal,
  type LinkFormValues,
  linkFormValues,
  parseLinkForm,
  postedLinkValues,
} from './link-form-data';
import { type LinkDay, LinkPage } from './link-page';
import { linkStatus } from './link-status';
import { LinksListPage } from './list-page';

export const linksRoutes = new Hono<ConsoleEnv>();

const PAGE_SIZE = 50;
/** Newest clicks and landing-page checks a link's page shows. */
const RECENT_CLICKS = 10;
const RECENT_CHECKS = 5;

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  partner: z.string().trim().max(64).catch(''),
  cursor: z.string().max(200).optional().catch(undefined),
  done: z.enum(['deleted']).optional().catch(undefined),
});

const subId = z.string().trim().max(256).catch('');
const linkQuery = z.object({
  done: z.enum(['created', 'saved', 'disabled', 'enabled']).optional().catch(undefined),
  url: z.string().trim().max(4000).catch(''),
  sub1: subId,
  sub2: subId,
  sub3: subId,
  sub4: subId,
  sub5: subId,
});

/** Partners' users only read links: to them the pages that change one do not exist. */
const adminsOnly: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.get('session').user.role !== 'admin') {
    return c.html(<ProblemPage ui={c.get('ui')} status={404} message="" />, 404);
  }
  return next();
};

linksRoutes.get('/', async (c) => {
  const { scope, user } = c.get('session');
  const q = listQuery.parse(c.req.query());
  const isAdmin = user.role === 'admin';
  const [rows, partners] = await Promise.all([
    findLinks(c.env, scope, {
      limit: PAGE_SIZE,
      before: decodeCursor(q.cursor),
      partnerId: q.partner || undefined,
      search: q.q || undefined,
    }),
    isAdmin ? partnerChoices(c.env, scope) : null,
  ]);
  const origin = originOf(c);
  const now = Date.now();
  const shown = rows.slice(0, PAGE_SIZE);
  return c.html(
    <LinksListPage
      ui={c.get('ui')}
      links={shown.map((link) => ({
        id: link.id,
        slug: link.slug,
        shortUrl: `${origin}/${link.slug}`,
        partnerId: link.partnerId,
        destination: link.destination,
        status: linkStatus(link, now),
        createdAt: link.createdAt,
      }))}
      nextCursor={rows.length > PAGE_SIZE ? encodeCursor(shown[shown.length - 1]!.id) : null}
      filter={{ search: q.q, partnerId: q.partner }}
      partners={partners}
      canCreate={isAdmin}
      done={q.done}
    />,
  );
});

linksRoutes.get('/new', adminsOnly, async (c) => {
  const partners = await partnerChoices(c.env, c.get('session').scope);
  const values = blankLinkValues(c.req.query('partner') ?? '');
  return c.html(<LinkFormPage ui={c.get('ui')} mode="create" values={values} errors={{}} partners={partners} />);
});

linksRoutes.post('/new', adminsOnly, async (c) => {
  const values = postedLinkValues(await c.req.parseBody());
  const parsed = parseLinkForm(values, 'create', c.get('ui').fmt.timeZone);
  let errors: FieldErrors;
  if (parsed.ok) {
    try {
      const link = await createLink(c.env, parsed.body);
      return c.redirect(`/console/links/${encodeURIComponent(link.id)}?done=created`, 303);
    } catch (err) {
      const refused = fieldErrorsOfRefusal(err, parsed.rows);
      if (refused === null) throw err;
      errors = refused;
    }
  } else errors = parsed.errors;
  const partners = await partnerChoices(c.env, c.get('session').scope);
  return c.html(
    <LinkFormPage ui={c.get('ui')} mode="create" values={values} errors={errors} partners={partners} />,
    400,
  );
});

linksRoutes.get('/:id', async (c) => {
  const { scope, user } = c.get('session');
  const ui = c.get('ui');
  const link = await linkOf(c.env, scope, c.req.param('id'));
  const q = linkQuery.parse(c.req.query());
  const [activity, report] = await Promise.all([
    linkActivity(c.env, scope, link, { clicks: RECENT_CLICKS, checks: RECENT_CHECKS }),
    dailyReport(c.env, scope, { linkId: link.id }),
  ]);
  const byDate = new Map(report.rows.map((row) => [row.date, row]));
  const days: LinkDay[] = datesBetween(report.range.from, report.range.to).map((date) => {
    const row = byDate.get(date);
    return {
      date,
      clicks: row?.clicks ?? 0,
      uniqueClicks: row?.unique_clicks ?? 0,
      conversions: row?.conversions ?? 0,
    };
  });
  return c.html(
    <LinkPage
      ui={ui}
      link={link}
      shortUrl={`${originOf(c)}/${link.slug}`}
      status={linkStatus(link, Date.now())}
      activity={activity}
      days={days}
      tracking={{ subIds: [q.sub1, q.sub2, q.sub3, q.sub4, q.sub5], url: q.url }}
      canManage={user.role === 'admin'}
      done={q.done}
    />,
  );
});

// The QR code as a file, for print: the page draws the same code inline.
linksRoutes.get('/:id/qr.svg', async (c) => {
  const link = await linkOf(c.env, c.get('session').scope, c.req.param('id'));
  const svg = renderSVG(`${originOf(c)}/${link.slug}`, { ecc: 'M', border: 4 });
  return c.body(svg, 200, {
    'content-type': 'image/svg+xml; charset=utf-8',
    'content-disposition': `attachment; filename="${link.slug}-qr.svg"`,
  });
});

linksRoutes.get('/:id/edit', adminsOnly, async (c) => {
  const session = c.get('session');
  const ui = c.get('ui');
  const link = await linkOf(c.env, session.scope, c.req.param('id'));
  return c.html(await editPage(c.env, session, ui, link, linkFormValues(link, ui.fmt.timeZone), {}));
});

linksRoutes.post('/:id/edit', adminsOnly, async (c) => {
  const session = c.get('session');
  const ui = c.get('ui');
  const link = await linkOf(c.env, session.scope, c.req.param('id'));
  const values = { ...postedLinkValues(await c.req.parseBody()), partnerId: link.partnerId };
  const parsed = parseLinkForm(values, 'edit', ui.fmt.timeZone);
  let errors: FieldErrors;
  if (parsed.ok) {
    try {
      await editLink(c.env, session.scope, link.id, parsed.body);
      return c.redirect(`/console/links/${encodeURIComponent(link.id)}?done=saved`, 303);
    } catch (err) {
      const refused = fieldErrorsOfRefusal(err, parsed.rows);
      if (refused === null) throw err;
      errors = refused;
    }
  } else errors = parsed.errors;
  return c.html(await editPage(c.env, session, ui, link, values, errors), 400);
});

async function editPage(
  env: Env,
  session: ConsoleSession,
  ui: Ui,
  link: Link,
  values: LinkFormValues,
  errors: FieldErrors,
) {
  const partner = await partnerOfLink(env, session.scope, link);
  return (
    <LinkFormPage ui={ui} mode="edit" link={link} partnerName={partner?.name ?? ''} values={values} errors={errors} />
  );
}

for (const [action, disabled] of [
  ['disable', true],
  ['enable', false],
] as const) {
  linksRoutes.post(`/:id/${action}`, adminsOnly, async (c) => {
    const link = await editLink(c.env, c.get('session').scope, c.req.param('id'), { disabled });
    return c.redirect(`/console/links/${encodeURIComponent(link.id)}?done=${action}d`, 303);
  });
}

linksRoutes.post('/:id/delete', adminsOnly, async (c) => {
  await deleteLink(c.env, c.get('session').scope, c.req.param('id'));
  return c.redirect('/console/links?done=deleted', 303);
});
