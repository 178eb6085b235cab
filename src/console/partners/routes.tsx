// The console's partners pages: the admins' list and new-partner form, and each partner's page with its actions.
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { dateIn, timeZoneOf } from '../../domain/calendar';
import { commissionRuleSchema } from '../../domain/commission';
import { PARTNER_STATUSES } from '../../domain/partnership';
import { AppError } from '../../http/errors';
import { originOf } from '../../http/origin';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import { type PartnerUpdate, partnerCreateSchema } from '../../schemas/partner';
import { cancelScheduledPlan } from '../../services/commission-plans';
import { syncPartnerNetwork } from '../../services/network-sync';
import { partnerFigures } from '../../services/partner-figures';
import { partnerOverview } from '../../services/partner-overview';
import {
  createPartner,
  editPartner,
  listVisiblePartners,
  rotatePartnerPushSecret,
  rotatePartnerSecrets,
} from '../../services/partners';
import { sendTestPostback, type TestPostback } from '../../services/postback-test';
import type { ConsoleEnv } from '../context';
import { adminOnly } from '../session';
import { fieldOf, readDomains, readPlan, readStatus, rowsOf } from './forms';
import { PartnersListPage } from './list-page';
import { DONE, type Done, m } from './messages';
import { readSyncDone, type SyncDone, syncDoneQuery } from './network-section';
import { BLANK_PARTNER, type NewPartnerErrors, NewPartnerPage, type NewPartnerTyped } from './new-partner-page';
import { type PartnerForms, PartnerPage } from './partner-page';
import { SecretsPage } from './secrets-page';

export const partnersRoutes = new Hono<ConsoleEnv>();

type C = Context<ConsoleEnv>;

/**
 * The view context of a page answered to a form: the language switch on it leads back to the
 * page `path`, since the form's own address is not a page.
 */
const uiAt = (c: C, path: string) => ({ ...c.get('ui'), here: path });

/** Rows of a page of the list, as every list of the console. */
const PAGE_SIZE = 50;
/** How much of a partner's recent activity its page shows; the rest is a link away. */
const LATEST = { deliveries: 5, linkChecks: 10 };

const listQuery = z.object({
  status: z.union([z.enum(PARTNER_STATUSES), z.literal('').transform(() => undefined)]).optional(),
  cursor: z.string().optional(),
});

partnersRoutes.get('/', adminOnly, async (c) => {
  const asked = listQuery.safeParse(c.req.query());
  if (!asked.success) throw new AppError(400, 'invalid_request', m[c.get('ui').lang].badStatus);
  const { status, cursor } = asked.data;
  const scope = c.get('session').scope;
  const rows = await listVisiblePartners(c.env, scope, { limit: PAGE_SIZE, before: decodeCursor(cursor), status });
  const partners = rows.slice(0, PAGE_SIZE);
  const last = rows.length > PAGE_SIZE ? partners[partners.length - 1] : undefined;
  const figures = await partnerFigures(
    c.env,
    scope,
    partners.map((p) => p.id),
  );
  return c.html(
    <PartnersListPage
      ui={c.get('ui')}
      partners={partners}
      figures={figures.byPartner}
      range={figures.range}
      status={status}
      nextCursor={last ? encodeCursor(last.id) : null}
    />,
  );
});

partnersRoutes.get('/new', adminOnly, (c) =>
  c.html(<NewPartnerPage ui={c.get('ui')} typed={BLANK_PARTNER} errors={{}} />),
);

partnersRoutes.post('/', adminOnly, async (c) => {
  const ui = uiAt(c, '/console/partners/new');
  const t = m[ui.lang];
  const body = await c.req.parseBody();
  const typed: NewPartnerTyped = {
    name: fieldOf(body, 'name'),
    slug: fieldOf(body, 'slug'),
    status: fieldOf(body, 'status'),
    integration: fieldOf(body, 'integration'),
    category: fieldOf(body, 'category'),
    allowedDomains: fieldOf(body, 'allowedDomains'),
    percent: fieldOf(body, 'percent'),
  };
  const errors: NewPartnerErrors = {};
  const domains = readDomains(body, ui.lang);
  if ('error' in domains) errors.allowedDomains = domains.error.error;
  const rule = commissionRuleSchema.safeParse({ percent: Number(typed.percent.trim().replace(',', '.')) });
  if (typed.percent.trim() === '' || !rule.success) errors.percent = t.badRule(1);
  const parsed = partnerCreateSchema.safeParse({
    name: typed.name,
    slug: typed.slug.trim() || undefined,
    status: typed.status,
    integration: typed.integration,
    category: typed.category,
    allowedDomains: 'domains' in domains ? domains.domains : [],
    commissionRules: rule.success ? [rule.data] : [],
  });
  if (!parsed.success) {
    const fields = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    if (fields.has('name')) errors.name = t.badName;
    if (fields.has('slug')) errors.slug = t.badSlug;
    if (fields.has('category')) errors.category = t.badCategory;
    if (fields.has('status') || fields.has('integration')) errors.name ??= t.badStatus;
  }
  if (!parsed.success || Object.keys(errors).length > 0) {
    return c.html(<NewPartnerPage ui={ui} typed={typed} errors={errors} />, 400);
  }
  let created: Awaited<ReturnType<typeof createPartner>>;
  try {
    created = await createPartner(c.env, parsed.data);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const where = err.code === 'slug_taken' ? 'slug' : 'name';
    return c.html(<NewPartnerPage ui={ui} typed={typed} errors={{ [where]: err.message }} />, err.status as 400);
  }
  const partner = created.partner;
  return c.html(
    <SecretsPage
      ui={ui}
      title={t.newPartnerTitle(partner.name)}
      partner={partner}
      secrets={[
        { label: t.postbackToken, value: created.postbackToken },
        { label: t.signingSecret, value: created.signingSecret },
        { label: t.pushSigningSecret, value: created.pushSigningSecret },
      ]}
      hints={[]}
    />,
    201,
  );
});

partnersRoutes.get('/:id', async (c) => {
  const done = c.req.query('done');
  return renderPartner(c, {
    done: done !== undefined && Object.hasOwn(DONE.en, done) ? (done as Done) : undefined,
    synced: readSyncDone(c.req.query()),
  });
});

/** A partner's page, with what a form just did or what is wrong with one. */
async function renderPartner(
  c: C,
  extra: { done?: Done; test?: TestPostback; forms?: PartnerForms; synced?: SyncDone; syncRefused?: string },
  status: 200 | 400 | 409 | 429 = 200,
) {
  const id = c.req.param('id') ?? '';
  const scope = c.get('session').scope;
  const [overview, figures] = await Promise.all([
    partnerOverview(c.env, scope, id, LATEST),
    partnerFigures(c.env, scope, [id]),
  ]);
  const current = overview.plans.find((p) => p.status === 'current');
  const values = figures.byPartner.get(overview.partner.id);
  const ui = c.req.method === 'GET' ? c.get('ui') : uiAt(c, `/console/partners/${encodeURIComponent(id)}`);
  return c.html(
    <PartnerPage
      ui={ui}
      origin={originOf(c)}
      overview={overview}
      figures={{
        range: figures.range,
        values: values ?? { clicks: 0, uniqueClicks: 0, conversions: 0, revenueMinor: 0, commissionMinor: 0 },
      }}
      today={dateIn(Date.now(), timeZoneOf(c.env.REPORT_TIMEZONE))}
      planForm={{
        effectiveFrom: '',
        rows: rowsOf(current ? (current.rules as z.infer<typeof commissionRuleSchema>[]) : []),
      }}
      {...extra}
    />,
    status,
  );
}

/** Applies a change of settings, then back to the page saying it was done (post/redirect/get). */
async function edit(c: C, patch: PartnerUpdate, done: Done) {
  const id = c.req.param('id') ?? '';
  await editPartner(c.env, c.get('session').scope, id, patch);
  return c.redirect(`/console/partners/${encodeURIComponent(id)}?done=${done}`, 303);
}

/** A form's refusal by the service as the page shown again, or a problem page when it is not the form's. */
async function refused(c: C, err: unknown, forms: (message: string) => PartnerForms | null) {
  if (!(err instanceof AppError) || (err.status !== 400 && err.status !== 409)) throw err;
  const shown = forms(err.message);
  if (shown === null) throw err;
  return renderPartner(c, { forms: shown }, err.status);
}

partnersRoutes.post('/:id/status', adminOnly, async (c) => {
  const lang = c.get('ui').lang;
  const read = readStatus(await c.req.parseBody(), lang);
  if ('error' in read) return renderPartner(c, { forms: { status: read.error } }, 400);
  try {
    return await edit(c, { status: read.status }, 'status');
  } catch (err) {
    return refused(c, err, () => ({ status: { value: read.status, error: m[lang].endedIsFinal } }));
  }
});

partnersRoutes.post('/:id/domains', adminOnly, async (c) => {
  const lang = c.get('ui').lang;
  const body = await c.req.parseBody();
  const read = readDomains(body, lang);
  if ('error' in read) return renderPartner(c, { forms: { domains: read.error } }, 400);
  try {
    return await edit(c, { allowedDomains: read.domains }, 'domains');
  } catch (err) {
    return refused(c, err, (message) => ({ domains: { value: fieldOf(body, 'allowedDomains'), error: message } }));
  }
});

partnersRoutes.post('/:id/consent', adminOnly, async (c) => {
  // An unticked box is not posted at all: its absence means consent is not required.
  const requiresConsent = fieldOf(await c.req.parseBody(), 'requiresConsent') !== '';
  return edit(c, { requiresConsent }, 'consent');
});

partnersRoutes.post('/:id/plans', adminOnly, async (c) => {
  const lang = c.get('ui').lang;
  const read = readPlan(await c.req.parseBody(), lang);
  if ('error' in read) return renderPartner(c, { forms: { plan: read.error } }, 400);
  try {
    return await edit(c, { commissionRules: read.rules, effectiveFrom: read.effectiveFrom }, 'plan');
  } catch (err) {
    // The one refusal of a well-formed plan: a start before today.
    return refused(c, err, () => ({
      plan: { effectiveFrom: read.effectiveFrom, rows: rowsOf(read.rules), dateError: m[lang].badDate },
    }));
  }
});

partnersRoutes.post('/:id/plans/:planId/cancel', adminOnly, async (c) => {
  const id = c.req.param('id');
  await cancelScheduledPlan(c.env, c.get('session').scope, id, c.req.param('planId'));
  return c.redirect(`/console/partners/${encodeURIComponent(id)}?done=plan-cancelled`, 303);
});

// The sync the API's POST /partners/:id/network-sync runs, over its default range; its counts
// reach the page through the redirect, the outcome itself is kept on the partner.
partnersRoutes.post('/:id/network-sync', adminOnly, async (c) => {
  const id = c.req.param('id');
  const t = m[c.get('ui').lang];
  try {
    const report = await syncPartnerNetwork(c.env, c.get('session').scope, id, {});
    const query = syncDoneQuery({ ok: report.lastSync.ok, counts: report });
    return c.redirect(`/console/partners/${encodeURIComponent(id)}?${query}`, 303);
  } catch (err) {
    if (!(err instanceof AppError) || (err.code !== 'no_network' && err.code !== 'rate_limited')) throw err;
    const retryAfter = (err.details as { retryAfter?: string } | undefined)?.retryAfter;
    const message =
      err.code === 'no_network' ? t.noNetwork : t.networkWaits(c.get('ui').fmt.dateTime(retryAfter ?? Date.now()));
    const res = await renderPartner(c, { syncRefused: message }, err.status === 409 ? 409 : 429);
    if (err.headers) for (const [name, value] of Object.entries(err.headers)) res.headers.set(name, value);
    return res;
  }
});

// New secrets are the answer to the form itself, not to a redirect: they exist in clear only in
// this answer, which no cache keeps (guard.ts), and a later visit of the page cannot show them.
partnersRoutes.post('/:id/rotate-secrets', adminOnly, async (c) => {
  const ui = uiAt(c, `/console/partners/${encodeURIComponent(c.req.param('id'))}`);
  const t = m[ui.lang];
  const rotated = await rotatePartnerSecrets(c.env, c.get('session').scope, c.req.param('id'));
  return c.html(
    <SecretsPage
      ui={ui}
      title={t.newSecretsTitle(rotated.partner.name)}
      partner={rotated.partner}
      secrets={[
        { label: t.postbackToken, value: rotated.postbackToken },
        { label: t.signingSecret, value: rotated.signingSecret },
      ]}
      hints={[t.rotateSecretsHint]}
    />,
  );
});

partnersRoutes.post('/:id/rotate-push-secret', adminOnly, async (c) => {
  const ui = uiAt(c, `/console/partners/${encodeURIComponent(c.req.param('id'))}`);
  const t = m[ui.lang];
  const rotated = await rotatePartnerPushSecret(c.env, c.get('session').scope, c.req.param('id'));
  return c.html(
    <SecretsPage
      ui={ui}
      title={t.newSecretsTitle(rotated.partner.name)}
      partner={rotated.partner}
      secrets={[{ label: t.pushSigningSecret, value: rotated.pushSigningSecret }]}
      hints={[t.rotatePushHint]}
    />,
  );
});

// The one action a partner's own user may take: a dry run changes nothing.
partnersRoutes.post('/:id/test-postback', async (c) => {
  const { scope, user } = c.get('session');
  const test = await sendTestPostback(c.env, scope, c.req.param('id'), originOf(c), user.id);
  return renderPartner(c, { test });
});
