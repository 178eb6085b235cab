// Reports' use cases: daily figures, breakdowns, time to conversion and unknown slugs within reach, and rebuilding a day.
import type { z } from '@hono/zod-openapi';
import { dbOf } from '../db/client';
import { getLink } from '../db/links';
import { type OrphanVisitRow, orphanVisitRows } from '../db/orphan-visits';
import { getPartner, partnersAfter } from '../db/partners';
import {
  type AggregateRow,
  type BreakdownRow,
  breakdownRows,
  dailyRows,
  rebuildPartnerDay,
  rebuildPartnerDays,
  timeToConversionRows,
} from '../db/reports';
import type { Delivery, Partner } from '../db/schema';
import { type BreakdownDimension, timeToConversionDistribution } from '../domain/aggregation';
import { dateIn, timeZoneOf } from '../domain/calendar';
import { type ReportRange, reportRange } from '../domain/date-range';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';
import type { rebuildSchema } from '../schemas/report';
import { queueDailyPush } from './deliveries';

/** What a report is asked for: a partner (default: every one within reach) and days of the programme's zone. */
type ReportAsk = { partnerId?: string; from?: string; to?: string };

/** Partner totals per day, or one link's, or every link's (`by: 'link'`), oldest day first. */
export async function dailyReport(
  env: Env,
  scope: CallerScope,
  q: ReportAsk & { linkId?: string; by?: 'partner' | 'link' },
): Promise<{ range: ReportRange; rows: (AggregateRow & { slug: string | null })[] }> {
  const { partnerId, range } = await reportScope(env, scope, q);
  let linkPartnerId: string | undefined;
  if (q.linkId) {
    const link = await getLink(dbOf(env), q.linkId);
    if (!link || (partnerId && link.partnerId !== partnerId) || !canSee(scope, link.partnerId)) {
      throw notFound('link');
    }
    // The link's partner narrows the query to that partner's rows, read through its index.
    linkPartnerId = link.partnerId;
  }
  const rows = await dailyRows(env.DB, {
    ...range,
    partnerId: partnerId ?? linkPartnerId,
    linkId: q.linkId,
    perLink: q.by === 'link',
  });
  return { range, rows };
}

/** One dimension summed over the days, per partner and value, most clicks first. */
export async function breakdownReport(
  env: Env,
  scope: CallerScope,
  q: ReportAsk & { dimension: BreakdownDimension },
): Promise<{ range: ReportRange; rows: BreakdownRow[] }> {
  const { partnerId, range } = await reportScope(env, scope, q);
  return { range, rows: await breakdownRows(env.DB, { ...range, dimension: q.dimension, partnerId }) };
}

/** Counted conversions attributed to a click, per time from click to conversion, every bucket. */
export async function timeToConversionReport(env: Env, scope: CallerScope, q: ReportAsk) {
  const { partnerId, range } = await reportScope(env, scope, q);
  const rows = await timeToConversionRows(env.DB, { ...range, timeZone: timeZoneOf(env.REPORT_TIMEZONE), partnerId });
  const counts = new Map(rows.map((r) => [r.bucket, r.conversions]));
  return { range, buckets: timeToConversionDistribution(counts) };
}

/**
 * Requests for slugs that name no link, per day, path and bot or not (an admin's: they belong to
 * no partner). Counted live, so `to` defaults to today, not yesterday.
 */
export async function orphanReport(
  env: Env,
  q: { from?: string; to?: string },
): Promise<{ range: ReportRange; rows: OrphanVisitRow[] }> {
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const nowMs = Date.now();
  const asked = reportRange({ from: q.from, to: q.to ?? dateIn(nowMs, timeZone) }, nowMs, timeZone);
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  return { range: asked.range, rows: await orphanVisitRows(env.DB, asked.range) };
}

/**
 * Recomputes a day's aggregates (a day of `REPORT_TIMEZONE`, refused while it is still to come
 * there) of one partner or of every one (twice gives the same figures); with `push`, queues the
 * day's push again to each partner with a webhookUrl, as a new message.
 */
export async function rebuildDay(
  env: Env,
  body: z.infer<typeof rebuildSchema>,
): Promise<{ partners: Partner[]; deliveries: Delivery[] }> {
  if (body.date > dateIn(Date.now(), timeZoneOf(env.REPORT_TIMEZONE))) {
    throw invalidRequest('A day in the future has no figures yet.', [{ path: ['date'], message: 'in the future' }]);
  }
  const db = dbOf(env);
  let partners: Partner[];
  if (body.partnerId) {
    const partner = await getPartner(db, body.partnerId);
    if (!partner) throw notFound('partner');
    partners = [partner];
  } else {
    partners = [];
    for (let page = await partnersAfter(db, null); page.length; ) {
      partners.push(...page);
      page = await partnersAfter(db, page[page.length - 1]?.id ?? null);
    }
  }
  const deliveries: Delivery[] = [];
  for (const partner of partners) {
    await aggregatePartnerDay(env, partner, body.date);
    if (body.push) {
      const delivery = await queueDailyPush(env, partner, body.date, { force: true });
      if (delivery) deliveries.push(delivery);
    }
  }
  return { partners, deliveries };
}

/** Rebuilds one partner's day (aggregates and breakdowns) from its clicks and conversions. */
export function aggregatePartnerDay(env: Env, partner: Partner, date: string, nowMs: number = Date.now()) {
  return rebuildPartnerDay(env.DB, {
    date,
    partnerId: partner.id,
    currency: partner.currency,
    computedAtMs: nowMs,
    timeZone: timeZoneOf(env.REPORT_TIMEZONE),
  });
}

/** Rebuilds several days of one partner as `aggregatePartnerDay` does each, in one transaction. */
export function aggregatePartnerDays(env: Env, partner: Partner, dates: readonly string[], nowMs = Date.now()) {
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  return rebuildPartnerDays(
    env.DB,
    dates.map((date) => ({ date, partnerId: partner.id, currency: partner.currency, computedAtMs: nowMs, timeZone })),
  );
}

/** Whose figures and which days a report covers: a partner key sees only its own partner. */
async function reportScope(
  env: Env,
  scope: CallerScope,
  q: ReportAsk,
): Promise<{ partnerId: string | undefined; range: ReportRange }> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  const { partnerId } = filter;
  if (partnerId && !(await getPartner(dbOf(env), partnerId))) throw notFound('partner');
  const asked = reportRange(q, Date.now(), timeZoneOf(env.REPORT_TIMEZONE));
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  return { partnerId, range: asked.range };
}
