// The test postback of a partner's page: an example sale sent through intake as a signed dry run.
import { dbOf } from '../db/client';
import { DRY_RUN_ID_PREFIX } from '../domain/dry-run';
import { newUlid } from '../domain/ids';
import { examplePostback } from '../domain/postback-example';
import { open } from '../domain/secret-box';
import { signWebhook } from '../domain/standard-webhooks';
import type { CallerScope } from '../domain/visibility';
import { AppError } from '../http/errors';
import { type Limit, takeToken } from '../isolate/rate-limit';
import { visiblePartner } from './partners';
import { intakePostback } from './postback-intake';

/** The request sent and the answer intake gave, as the partner's server would have received it. */
export type TestPostback = {
  request: { method: 'POST'; url: string; headers: Record<string, string>; body: string };
  answer: { status: number; contentType: string; body: string };
};

/**
 * Test postbacks a person may send: a few in a row, then one every 6 seconds. Each goes through
 * the real intake, so it spends a token of the partner's own postback bucket and writes a log
 * line: without this, holding the button down would eat into the partner's real postbacks.
 */
export const TEST_POSTBACK_LIMIT: Limit = { ratePerSec: 1 / 6, burst: 10 };

/**
 * Sends an example sale in the partner's own parameter names through the real postback intake,
 * signed with the partner's current signing secret, as a dry run: `?dryRun=1` and a `webhook-id`
 * starting with `dryrun_`, so that the signature itself says it is a test. Intake authenticates,
 * parses, attributes and prices it and stores no conversion (only its line in the postback log).
 * A refusal (a paused partner, signed postbacks turned off, an IP allowlist, which the test,
 * sent from Relais itself, is not on) is the answer too. 404 outside the caller's reach; 429
 * `rate_limited` past `TEST_POSTBACK_LIMIT` for the person sending it (`senderId`).
 * @example const { answer } = await sendTestPostback(env, scope, 'ptn_...', 'https://go.example', 'usr_...') // answer.status 200
 */
export async function sendTestPostback(
  env: Env,
  scope: CallerScope,
  partnerId: string,
  origin: string,
  senderId: string,
): Promise<TestPostback> {
  const partner = await visiblePartner(dbOf(env), scope, partnerId);
  const turn = await takeToken(env, `console:test-postback:${senderId}`, TEST_POSTBACK_LIMIT);
  if (!turn.allowed) {
    throw new AppError(
      429,
      'rate_limited',
      `Too many test postbacks; retry in ${turn.retryAfterSec} s.`,
      { retryAfterSec: turn.retryAfterSec },
      { 'Retry-After': String(turn.retryAfterSec) },
    );
  }
  const now = new Date();
  const id = newUlid(now.getTime());
  const body = JSON.stringify(examplePostback(partner, { transactionId: `TEST-${id}` }));
  const webhookId = `${DRY_RUN_ID_PREFIX}${id}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  const signature = await signWebhook(
    await open(env.SECRETS_KEY, partner.signingSecretEnc),
    webhookId,
    timestamp,
    body,
  );
  const headers = {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
  const request = { method: 'POST' as const, url: `${origin}/pb/${partner.slug}?dryRun=1`, headers, body };
  try {
    const reply = await intakePostback(env, {
      method: 'POST',
      partnerSlug: partner.slug,
      readBody: async () => body,
      query: new URLSearchParams({ dryRun: '1' }),
      headers: {
        contentType: headers['content-type'],
        webhookId,
        webhookTimestamp: headers['webhook-timestamp'],
        webhookSignature: signature,
        authorization: null,
        cookie: null,
      },
      clientIp: null,
      receivedAt: now,
    });
    return { request, answer: { status: reply.status, contentType: reply.contentType, body: reply.body } };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return {
      request,
      answer: { status: err.status, contentType: 'application/json', body: JSON.stringify(err.toBody()) },
    };
  }
}
