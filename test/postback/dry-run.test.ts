import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limiterOf, partnerBucket } from '../../src/isolate/rate-limit';
import { createPartner } from '../support/builders';
import { call } from '../support/http';
import { json, newTxn, signedHeaders } from './client';

const conversionCount = async (partnerId: string) =>
  (
    await env.DB.prepare('SELECT count(*) AS n FROM conversions WHERE partner_id = ?')
      .bind(partnerId)
      .first<{ n: number }>()
  )?.n;

/** One signed request, sent as captured: the same id, timestamp, signature and body each time. */
function captured(secret: string, payload: unknown, id: string) {
  const body = JSON.stringify(payload);
  const headers = { 'content-type': 'application/json', ...signedHeaders(secret, body, { id }) };
  return (slug: string, query: string) => call('POST', `/pb/${slug}${query}`, { key: null, body, headers });
}

describe('signed dry runs', () => {
  it('are marked by a webhook-id starting with dryrun_, which a real postback may not use', async () => {
    const p = await createPartner();
    const send = captured(p.signingSecret, { transactionId: newTxn(), amount: 20 }, `dryrun_${newTxn()}`);
    const dry = await send(p.slug, '?dryRun=1');
    expect(dry.status).toBe(200);
    expect(await json(dry)).toMatchObject({ status: 'recorded', dryRun: true, conversionId: null });
    // The very same signed request without ?dryRun=1: the signature says it is a dry run.
    const replayed = await send(p.slug, '');
    expect(replayed.status).toBe(400);
    expect((await json(replayed)).error).toMatchObject({
      code: 'dry_run_id',
      message: expect.stringContaining('dryrun_'),
    });
    expect(await conversionCount(p.id)).toBe(0);
  });

  it('can be sent again as a dry run, under a dryrun_ id or not', async () => {
    const p = await createPartner();
    for (const id of [`dryrun_${newTxn()}`, `msg_${newTxn()}`]) {
      const send = captured(p.signingSecret, { transactionId: newTxn() }, id);
      expect((await send(p.slug, '?dryRun=1')).status).toBe(200);
      expect(await json(await send(p.slug, '?dryRun=1'))).toMatchObject({ status: 'recorded', dryRun: true });
    }
    expect(await conversionCount(p.id)).toBe(0);
  });
});

describe('dry runs and the partner’s rate limit', () => {
  // The clock stands still, so that the emptied bucket does not refill while the test runs.
  beforeEach(() => vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('take no token from the partner’s bucket', async () => {
    const p = await createPartner();
    await limiterOf(env, partnerBucket(p.id)).take(100, 1_000_000, 1_000_000);
    const dry = captured(p.signingSecret, { transactionId: newTxn() }, `dryrun_${newTxn()}`);
    expect((await dry(p.slug, '?dryRun=1')).status).toBe(200);
    const real = captured(p.signingSecret, { transactionId: newTxn() }, `msg_${newTxn()}`);
    expect((await real(p.slug, '')).status).toBe(429);
  });
});
