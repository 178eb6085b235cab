// The daily push to partners: queued per partner and day, attempted by the partner's DeliveryScheduler.
import { dbOf } from '../db/client';
import {
  dueDeliveries,
  ensureDelivery,
  failDelivery,
  findDelivery,
  recordAttempt,
  requeueDelivery,
  urlIsGone,
} from '../db/deliveries';
import { getPartner } from '../db/partners';
import { dailyRows, rebuildPartnerDay } from '../db/reports';
import type { Delivery, Partner } from '../db/schema';
import { type DayFigures, dailyAggregatePayload, TOTAL_LINK_ID } from '../domain/aggregation';
import { ATTEMPT_TIMEOUT_MS, nextStep } from '../domain/backoff';
import { timeZoneOf } from '../domain/calendar';
import { newId } from '../domain/ids';
import { minorToMajor } from '../domain/money';
import { signWebhookWithEach } from '../domain/standard-webhooks';
import { urlProblem } from '../domain/url-policy';
import { pushSecretsOf } from './push-secrets';

/** Partners in these statuses get their daily figures. */
export const PUSHED_STATUSES: readonly Partner['status'][] = ['active', 'paused'];

/** The scheduler object of a partner: one per partner, so that one slow endpoint delays no one else. */
export function schedulerOf(env: Env, partnerId: string) {
  return env.DELIVERIES.getByName(partnerId);
}

function webhookUrlProblem(env: Env, url: string): string | null {
  return urlProblem(url, { allowLoopbackHttp: env.ENVIRONMENT === 'development', forbidIpLiterals: true });
}

/**
 * Queues the push of `date` to the partner's webhookUrl and wakes its scheduler. Queuing twice
 * changes nothing (one delivery per partner and day); `force` re-sends a day already delivered
 * or failed, as a new message (a new `webhook-id`, see `dailyWebhookId`). A URL that last
 * answered 410 Gone is not tried again until the partner's webhookUrl changes (or an admin
 * forces it).
 */
export async function queueDailyPush(
  env: Env,
  partner: Partner,
  date: string,
  opts: { force?: boolean; nowMs?: number } = {},
): Promise<Delivery | null> {
  const url = partner.webhookUrl;
  if (!url) return null;
  const db = dbOf(env);
  const now = new Date(opts.nowMs ?? Date.now());
  const existing = await findDelivery(db, partner.id, date);
  let delivery: Delivery;
  if (!existing) {
    const gone = !opts.force && (await urlIsGone(db, partner.id, url));
    const made = await ensureDelivery(
      db,
      { id: newId('dlv', now.getTime()), partnerId: partner.id, date, url, nextAttemptAt: now },
      gone ? 'This URL answered 410 Gone before; no push is sent to it until webhookUrl changes.' : undefined,
    );
    delivery = made.delivery;
  } else if (opts.force) {
    delivery = await requeueDelivery(db, existing, url, now);
  } else {
    delivery = existing;
  }
  if (delivery.status === 'pending') await schedulerOf(env, partner.id).wake(partner.id);
  return delivery;
}

/** The push body of a partner's day (of `REPORT_TIMEZONE`), from its aggregates (built first when missing). */
export async function dailyPayload(env: Env, partner: Partner, date: string) {
  let rows = await dailyRows(env.DB, { from: date, to: date, partnerId: partner.id, perLink: true });
  let total = (await dailyRows(env.DB, { from: date, to: date, partnerId: partner.id }))[0];
  if (!total) {
    await rebuildPartnerDay(env.DB, {
      date,
      partnerId: partner.id,
      currency: partner.currency,
      computedAtMs: Date.now(),
      timeZone: timeZoneOf(env.REPORT_TIMEZONE),
    });
    rows = await dailyRows(env.DB, { from: date, to: date, partnerId: partner.id, perLink: true });
    total = (await dailyRows(env.DB, { from: date, to: date, partnerId: partner.id }))[0];
  }
  const figures = (r: NonNullable<typeof total>): DayFigures => ({
    clicks: r.clicks,
    uniqueClicks: r.unique_clicks,
    botClicks: r.bot_clicks,
    conversions: r.conversions,
    leads: r.leads,
    addToCarts: r.add_to_carts,
    sales: r.sales,
    revenueMinor: r.revenue_minor,
    commissionMinor: r.commission_minor,
    refundedMinor: r.refunded_minor,
    commissionReversedMinor: r.commission_reversed_minor,
    unconvertedConversions: r.unconverted_conversions,
    medianTimeToConversionMs: r.median_time_to_conversion_ms,
  });
  const zero = figures({
    clicks: 0,
    unique_clicks: 0,
    bot_clicks: 0,
    conversions: 0,
    leads: 0,
    add_to_carts: 0,
    sales: 0,
    revenue_minor: 0,
    commission_minor: 0,
    refunded_minor: 0,
    commission_reversed_minor: 0,
    unconverted_conversions: 0,
    median_time_to_conversion_ms: null,
  } as NonNullable<typeof total>);
  return dailyAggregatePayload(
    date,
    partner.id,
    partner.currency,
    total ? figures(total) : zero,
    rows.filter((r) => r.link_id !== TOTAL_LINK_ID).map((r) => ({ linkId: r.link_id, slug: r.slug, ...figures(r) })),
    (minor) => minorToMajor(minor, partner.currency),
  );
}

/** Makes every due attempt of a partner's pending deliveries, one after the other. */
export async function runDueDeliveries(env: Env, partnerId: string, nowMs: number = Date.now()): Promise<void> {
  const db = dbOf(env);
  for (const delivery of await dueDeliveries(db, partnerId, new Date(nowMs))) {
    await attemptDelivery(env, delivery);
  }
}

/**
 * One attempt: the signed POST of the day's figures, with a 15 s timeout and redirects not
 * followed (a 3xx is a failure: a partner endpoint must not bounce signed data elsewhere).
 * The outcome and the next attempt (if any) are recorded.
 */
export async function attemptDelivery(env: Env, delivery: Delivery): Promise<void> {
  const db = dbOf(env);
  const partner = await getPartner(db, delivery.partnerId);
  const url = partner?.webhookUrl;
  if (!partner || !url) return failDelivery(db, delivery.id, 'The partner has no webhookUrl any more.');
  const problem = webhookUrlProblem(env, url);
  if (problem) return failDelivery(db, delivery.id, `webhookUrl ${problem}.`);

  const startMs = Date.now();
  let statusCode: number | null = null;
  let retryAfter: string | null = null;
  let error: string | null = null;
  let request: RequestInit | null = null;
  try {
    request = await signedRequest(env, partner, delivery, startMs);
  } catch (err) {
    // Counted as a failed attempt, so that a fault on our side (a secret that no longer opens,
    // figures that cannot be read) waits on the retry schedule instead of looping.
    error = `The push could not be prepared: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (request) {
    try {
      const res = await fetch(url, request);
      statusCode = res.status;
      retryAfter = res.headers.get('retry-after');
      // The answer's body is not needed; cancelling frees the connection at once.
      await res.body?.cancel();
      if (statusCode >= 300 && statusCode < 400) error = 'Redirects are not followed.';
      else if (statusCode >= 300) error = `Answered ${statusCode}.`;
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      error =
        name === 'TimeoutError' ? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s.` : `Request failed: ${String(err)}`;
    }
  }
  const endMs = Date.now();
  const attempt = delivery.attempts + 1;
  const step = nextStep(attempt, { statusCode, retryAfter }, endMs);
  await recordAttempt(db, delivery, {
    attempt,
    attemptId: newId('att', endMs),
    statusCode,
    error:
      step.status === 'failed' && step.reason === 'gone'
        ? 'The endpoint answered 410 Gone: deliveries to it stop.'
        : error,
    durationMs: endMs - startMs,
    url,
    status: step.status,
    nextAttemptAt: step.nextAttemptAt === null ? null : new Date(step.nextAttemptAt),
    at: new Date(endMs),
  });
}

/**
 * The POST of a day's figures, signed now (Standard Webhooks) with the partner's push secret, and
 * with the one it replaced too during the day after a rotation. Never with the postback secret:
 * whoever verifies pushes could then sign postbacks (see services/push-secrets.ts).
 */
async function signedRequest(env: Env, partner: Partner, delivery: Delivery, nowMs: number): Promise<RequestInit> {
  const body = JSON.stringify(await dailyPayload(env, partner, delivery.date));
  const secrets = await pushSecretsOf(env, partner, nowMs);
  const timestampSec = Math.floor(nowMs / 1000);
  return {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Relais-Webhooks/1.0',
      'webhook-id': delivery.webhookId,
      'webhook-timestamp': String(timestampSec),
      'webhook-signature': await signWebhookWithEach(secrets, delivery.webhookId, timestampSec, body),
    },
    body,
  };
}
