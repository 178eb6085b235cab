// Reconciliation (every 15 min): late attribution, auto-approval after the lock period, anomaly flags,
// conversions converted once their day's exchange rate is known.
import { and, asc, eq, gt, gte } from 'drizzle-orm';
import { recordAnomalies } from '../db/anomalies';
import { type Db, dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import { getPartner } from '../db/partners';
import { type Conversion, conversionHistory, conversions, NOW_MS_SQL, type Partner } from '../db/schema';
import { COUNTED_STATUSES, DAY_MS } from '../domain/aggregation';
import { type ConversionFacts, findAnomalies } from '../domain/anomalies';
import { newId } from '../domain/ids';
import { attributeConversion, signalsOfConversion } from '../services/attribution';
import { convertWaiting } from '../services/exchange-rates';
import { refreshChangedDays } from './refresh-days';

/** Clicks reach D1 within seconds, but a stuck buffer may hold them longer: look back a week. */
export const LATE_ATTRIBUTION_LOOKBACK_MS = 7 * DAY_MS;
/** Conversions younger than this are left to the next run, so none is skipped while being written. */
export const SETTLE_MS = 60_000;
/** Past sales whose amounts make a partner's usual one. */
const USUAL_AMOUNT_WINDOW_MS = 90 * DAY_MS;

// Per run, bounded so that a run stays within a Worker's D1 query limits; the rest waits for the next.
const REATTRIBUTE_PAGE = 50;
const REATTRIBUTE_PAGES = 4;
const APPROVE_PAGE = 100;
const APPROVE_PAGES = 10;
const ANOMALY_PAGE = 200;
const ANOMALY_PAGES = 10;
/** Pages of conversions waiting for a rate looked at per run (200 each). */
const CONVERT_PAGES = 5;

export const CURSOR_ATTRIBUTION = 'reconcile:attribution';
export const CURSOR_ANOMALIES = 'reconcile:anomalies';
export const CURSOR_RATES = 'reconcile:rates';

export type ReconcileReport = {
  reattributed: number;
  approved: number;
  checked: number;
  flagged: number;
  converted: number;
  rebuiltDays: number;
};

/** One reconciliation run at `nowMs`; every step is idempotent and resumes from its cursor. */
export async function runReconcile(env: Env, nowMs: number = Date.now()): Promise<ReconcileReport> {
  const late = await reattributeLate(env, nowMs);
  const approved = await autoApprove(env, nowMs);
  const sweep = await flagNewConversions(env, nowMs);
  const converted = await convertWaitingConversions(env, nowMs);
  // Last, so that the changes above are settled by the next run's.
  const rebuiltDays = await refreshChangedDays(env, nowMs - SETTLE_MS, nowMs);
  return {
    reattributed: late.reattributed,
    approved,
    checked: sweep.checked,
    flagged: late.flagged + sweep.flagged,
    converted,
    rebuiltDays,
  };
}

/**
 * Attributes again the conversions of the last week that found no click: their click may have
 * been written after the postback. A sweep walks them by id, saving its place; when it reaches
 * the end it starts over on the next run.
 */
export async function reattributeLate(env: Env, nowMs: number): Promise<{ reattributed: number; flagged: number }> {
  const db = dbOf(env);
  const partners = new Map<string, Partner | undefined>();
  let after = await readCursor(db, CURSOR_ATTRIBUTION);
  const changed: string[] = [];
  for (let p = 0; p < REATTRIBUTE_PAGES; p++) {
    const page = await db
      .select()
      .from(conversions)
      .where(
        and(
          eq(conversions.attributionMethod, 'none'),
          gte(conversions.createdAt, new Date(nowMs - LATE_ATTRIBUTION_LOOKBACK_MS)),
          after ? gt(conversions.id, after) : undefined,
        ),
      )
      .orderBy(asc(conversions.id))
      .limit(REATTRIBUTE_PAGE)
      .all();
    for (const conv of page) {
      if (!partners.has(conv.partnerId)) partners.set(conv.partnerId, await getPartner(db, conv.partnerId));
      const partner = partners.get(conv.partnerId);
      if (partner && (await attributeAgain(env, db, partner, conv, nowMs))) changed.push(conv.id);
      after = conv.id;
    }
    const finished = page.length < REATTRIBUTE_PAGE;
    await writeCursor(db, CURSOR_ATTRIBUTION, finished ? null : after);
    if (finished) break;
  }
  const flagged = changed.length ? await flagConversions(env, await factsOf(env, { ids: changed }), nowMs) : 0;
  return { reattributed: changed.length, flagged };
}

async function attributeAgain(env: Env, db: Db, partner: Partner, conv: Conversion, nowMs: number): Promise<boolean> {
  const found = await attributeConversion(db, env, partner, signalsOfConversion(conv));
  if (found.method === 'none') return false;
  const now = new Date(nowMs);
  const updated = await db
    .update(conversions)
    .set({
      attributionMethod: found.method,
      clickId: found.clickId,
      linkId: found.linkId,
      attributionConfidence: found.confidence,
      clickToConversionMs: found.clickToConversionMs,
      updatedAt: now,
    })
    .where(and(eq(conversions.id, conv.id), eq(conversions.attributionMethod, 'none')))
    .returning({ id: conversions.id })
    .all();
  if (updated.length === 0) return false;
  // The audit trail says who changed the attribution and when; the status is unchanged.
  await db
    .insert(conversionHistory)
    .values({
      id: newId('his', nowMs),
      conversionId: conv.id,
      fromStatus: conv.status,
      toStatus: conv.status,
      amountMinor: conv.amountMinor,
      commissionBeforeMinor: conv.commissionMinor,
      commissionMinor: conv.commissionMinor,
      refundedAmountMinor: conv.refundedAmountMinor,
      reason: `late attribution: ${found.method}${found.clickId ? ` (click ${found.clickId})` : ''}`,
      source: 'reconcile',
      createdAt: now,
    })
    .run();
  return true;
}

/**
 * Approves pending conversions whose partner's lock period (`lockDays` after the conversion)
 * is over, each with a `conversion_history` row from `reconcile`. Only a row still pending is
 * touched, so a status a postback set meanwhile wins, and a second run finds nothing to do.
 * Partners read from an affiliate network are left out: the network approves or declines their
 * sales, and one approved here could no longer be declined there.
 */
export async function autoApprove(env: Env, nowMs: number): Promise<number> {
  let approved = 0;
  for (let p = 0; p < APPROVE_PAGES; p++) {
    const { results } = await env.DB.prepare(
      `SELECT c.id FROM conversions c JOIN partners p ON p.id = c.partner_id
       WHERE c.status = 'pending' AND c.occurred_at + p.lock_days * ${DAY_MS} <= ?1
         AND NOT EXISTS (SELECT 1 FROM partner_networks n WHERE n.partner_id = c.partner_id)
       ORDER BY c.id LIMIT ?2`,
    )
      .bind(nowMs, APPROVE_PAGE)
      .all<{ id: string }>();
    if (results.length === 0) break;
    const statements = results.flatMap(({ id }) => [
      env.DB.prepare(
        `INSERT INTO conversion_history (id, conversion_id, from_status, to_status, amount_minor, commission_before_minor,
           commission_minor, refunded_amount_minor, reason, source, created_at)
         SELECT ?1, id, status, 'approved', amount_minor, commission_minor, commission_minor, refunded_amount_minor,
           'lock period over', 'reconcile', ?2
         FROM conversions WHERE id = ?3 AND status = 'pending'`,
      ).bind(newId('his', nowMs), nowMs, id),
      env.DB.prepare(
        // Never dated before the real time: the walk that rebuilds changed days reads `updated_at`
        // up to a minute behind the clock, and a trigger run late would date the change before it.
        `UPDATE conversions SET status = 'approved', approved_at = ?1,
           updated_at = MAX(CAST(?1 AS INTEGER), ${NOW_MS_SQL}) WHERE id = ?2 AND status = 'pending'`,
      ).bind(nowMs, id),
    ]);
    const outcomes = await env.DB.batch(statements);
    approved += outcomes.filter((r, i) => i % 2 === 1 && (r.meta.changes ?? 0) > 0).length;
    if (results.length < APPROVE_PAGE) break;
  }
  return approved;
}

type FactsRow = {
  id: string;
  partner_id: string;
  click_id: string | null;
  event: string;
  amount_minor: number;
  click_to_conversion_ms: number | null;
  created_at: number;
  click_is_bot: number | null;
  on_click: number;
};

/** Conversions with what the anomaly rules need of their click, in one query. */
async function factsOf(
  env: Env,
  where: { ids: string[] } | { after: [number, string]; untilMs: number; limit: number },
) {
  const select = `SELECT c.id, c.partner_id, c.click_id, c.event, c.amount_minor, c.click_to_conversion_ms, c.created_at,
      k.is_bot AS click_is_bot,
      CASE WHEN c.click_id IS NULL THEN 0 ELSE
        (SELECT COUNT(*) FROM conversions o WHERE o.partner_id = c.partner_id AND o.click_id = c.click_id) END AS on_click
    FROM conversions c LEFT JOIN clicks k ON k.id = c.click_id`;
  if ('ids' in where) {
    const rows: FactsRow[] = [];
    for (let i = 0; i < where.ids.length; i += 90) {
      const ids = where.ids.slice(i, i + 90);
      const { results } = await env.DB.prepare(`${select} WHERE c.id IN (${ids.map(() => '?').join(', ')})`)
        .bind(...ids)
        .all<FactsRow>();
      rows.push(...results);
    }
    return rows;
  }
  const { results } = await env.DB.prepare(
    `${select} WHERE c.created_at <= ?1 AND (c.created_at > ?2 OR (c.created_at = ?2 AND c.id > ?3))
     ORDER BY c.created_at, c.id LIMIT ?4`,
  )
    .bind(where.untilMs, where.after[0], where.after[1], where.limit)
    .all<FactsRow>();
  return results;
}

/** Median and count of a partner's recent counted sale amounts. */
async function usualAmountOf(env: Env, partnerId: string, nowMs: number) {
  const where = `partner_id = ?1 AND event = 'sale' AND amount_minor > 0 AND occurred_at >= ?2
    AND status IN (${COUNTED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  const since = nowMs - USUAL_AMOUNT_WINDOW_MS;
  const count = await env.DB.prepare(`SELECT COUNT(*) AS n FROM conversions WHERE ${where}`)
    .bind(partnerId, since)
    .first<{ n: number }>();
  const samples = count?.n ?? 0;
  if (samples === 0) return null;
  const mid = await env.DB.prepare(
    `SELECT amount_minor AS m FROM conversions WHERE ${where} ORDER BY amount_minor LIMIT 1 OFFSET ?3`,
  )
    .bind(partnerId, since, Math.floor((samples - 1) / 2))
    .first<{ m: number }>();
  return mid ? { medianMinor: mid.m, samples } : null;
}

/** Runs the anomaly rules over `rows` and records what they find; answers how many findings. */
async function flagConversions(env: Env, rows: FactsRow[], nowMs: number): Promise<number> {
  const usual = new Map<string, Awaited<ReturnType<typeof usualAmountOf>>>();
  const found = [];
  for (const r of rows) {
    if (!usual.has(r.partner_id)) usual.set(r.partner_id, await usualAmountOf(env, r.partner_id, nowMs));
    const facts: ConversionFacts = {
      conversionId: r.id,
      clickId: r.click_id,
      event: r.event,
      amountMinor: r.amount_minor,
      clickToConversionMs: r.click_to_conversion_ms,
      clickIsBot: r.click_is_bot === null ? null : r.click_is_bot === 1,
      conversionsOnClick: r.on_click,
      usualAmount: usual.get(r.partner_id) ?? null,
    };
    for (const f of findAnomalies(facts)) {
      found.push({
        id: newId('anm', nowMs),
        partnerId: r.partner_id,
        conversionId: r.id,
        clickId: r.click_id,
        kind: f.kind,
        subjectId: f.subjectId,
        details: f.details,
      });
    }
  }
  await recordAnomalies(dbOf(env), found);
  return found.length;
}

/**
 * Runs the anomaly rules over conversions recorded since the last run (by creation time and
 * id, from the cursor), leaving the last `SETTLE_MS` to the next run.
 */
export async function flagNewConversions(env: Env, nowMs: number): Promise<{ checked: number; flagged: number }> {
  const db = dbOf(env);
  const saved = await readCursor(db, CURSOR_ANOMALIES);
  const [ms, id] = saved ? [Number(saved.slice(0, saved.indexOf(':'))), saved.slice(saved.indexOf(':') + 1)] : [0, ''];
  let after: [number, string] = [ms, id];
  let checked = 0;
  let flagged = 0;
  for (let p = 0; p < ANOMALY_PAGES; p++) {
    const rows = await factsOf(env, { after, untilMs: nowMs - SETTLE_MS, limit: ANOMALY_PAGE });
    if (rows.length === 0) break;
    flagged += await flagConversions(env, rows, nowMs);
    checked += rows.length;
    const last = rows[rows.length - 1] as FactsRow;
    after = [last.created_at, last.id];
    await writeCursor(db, CURSOR_ANOMALIES, `${after[0]}:${after[1]}`);
    if (rows.length < ANOMALY_PAGE) break;
  }
  return { checked, flagged };
}

/**
 * Converts conversions waiting for an exchange rate whose day's rates are now stored, and
 * resolves their `missing_rate` flags; the days they belong to are rebuilt by the walk over
 * changed conversions, since converting one moves its `updated_at`. The walk goes through the
 * waiting conversions in the order they occurred from a saved place and starts over once it
 * reaches the end, so that conversions no rate will ever come for (a currency no source quotes)
 * cannot hold back those after them. Answers how many it converted.
 */
export async function convertWaitingConversions(env: Env, nowMs: number): Promise<number> {
  const db = dbOf(env);
  const saved = await readCursor(db, CURSOR_RATES);
  const colon = saved?.indexOf(':') ?? -1;
  const after = saved && colon > 0 ? { occurredAt: Number(saved.slice(0, colon)), id: saved.slice(colon + 1) } : null;
  const walk = await convertWaiting(env, {
    startMs: Number.MIN_SAFE_INTEGER,
    endMs: Number.MAX_SAFE_INTEGER,
    after,
    pages: CONVERT_PAGES,
    nowMs,
  });
  const next = walk.next ? `${walk.next.occurredAt}:${walk.next.id}` : null;
  if (next !== saved) await writeCursor(db, CURSOR_RATES, next);
  return walk.converted;
}
