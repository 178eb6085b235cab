import { createScheduledController, runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { schedulerOf } from '../../src/services/deliveries';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { type Received, standIn } from '../support/stand-in';

// Alarms are set on the faked clock, years ahead of the real one, so they never fire by
// themselves. Each test works on days of its own: the daily job runs once per day.
const FIRST_RUN = Date.parse('2032-05-11T00:10:00Z');
const HOUR = 3_600_000;
let NOW = FIRST_RUN;
let DAY = '';
let runs = 0;

beforeEach(() => {
  NOW = FIRST_RUN + runs++ * 10 * 86_400_000;
  DAY = new Date(NOW - 86_400_000).toISOString().slice(0, 10);
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The day's push to a new partner's endpoint at `path`: what the endpoint received. */
async function pushedTo(path: string) {
  const hooks = standIn();
  const partner = await createPartner({ webhookUrl: `https://hooks.partner.test${path}` });
  const sent = () => hooks.received.filter((r) => r.url.endsWith(path));
  return { partner, sent };
}

async function dailyRun(partnerId: string) {
  await worker.scheduled(createScheduledController({ cron: '10 0 * * *', scheduledTime: NOW }), env);
  await runDurableObjectAlarm(schedulerOf(env, partnerId));
}

/** The day pushed again as a new message (an admin's rebuild with push), at the faked clock's time. */
async function pushAgain(partnerId: string) {
  await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId, push: true }, expect: 200 });
  await runDurableObjectAlarm(schedulerOf(env, partnerId));
}

const verified = (secret: string, req: Received | undefined) => {
  try {
    new Webhook(secret).verify(req?.body ?? '', {
      'webhook-id': req?.headers['webhook-id'] ?? '',
      'webhook-timestamp': req?.headers['webhook-timestamp'] ?? '',
      'webhook-signature': req?.headers['webhook-signature'] ?? '',
    });
    return true;
  } catch {
    return false;
  }
};
const entries = (req: Received | undefined) => req?.headers['webhook-signature']?.split(' ').length;

describe('daily push signatures', () => {
  it('verify with the push signing secret, never with the postback signing secret', async () => {
    const { partner, sent } = await pushedTo('/own-secret');
    await dailyRun(partner.id);
    expect(sent()).toHaveLength(1);
    expect(entries(sent()[0])).toBe(1);
    expect(verified(partner.pushSigningSecret, sent()[0])).toBe(true);
    expect(verified(partner.signingSecret, sent()[0])).toBe(false);
  });

  it('carry the new and the previous push secret for 24 hours after a rotation, then the new one only', async () => {
    const { partner, sent } = await pushedTo('/rotated');
    const { pushSigningSecret } = (
      await api('POST', `/api/v1/partners/${partner.id}/rotate-push-secret`, { expect: 200 })
    ).body;
    await dailyRun(partner.id);
    expect(entries(sent()[0])).toBe(2);
    expect(verified(pushSigningSecret, sent()[0])).toBe(true);
    expect(verified(partner.pushSigningSecret, sent()[0])).toBe(true);
    expect(verified(partner.signingSecret, sent()[0])).toBe(false);

    vi.setSystemTime(NOW + 24 * HOUR + 1_000);
    await pushAgain(partner.id);
    expect(sent()).toHaveLength(2);
    expect(entries(sent()[1])).toBe(1);
    expect(verified(pushSigningSecret, sent()[1])).toBe(true);
    expect(verified(partner.pushSigningSecret, sent()[1])).toBe(false);
  });

  it('give a partner made before push secrets one of its own, not the postback secret', async () => {
    const { partner, sent } = await pushedTo('/legacy');
    await env.DB.prepare('UPDATE partners SET push_secret_enc = NULL WHERE id = ?').bind(partner.id).run();
    await dailyRun(partner.id);
    expect(sent()).toHaveLength(1);
    expect(verified(partner.signingSecret, sent()[0])).toBe(false);
    expect(verified(partner.pushSigningSecret, sent()[0])).toBe(false);
    const row = await env.DB.prepare('SELECT push_secret_enc FROM partners WHERE id = ?').bind(partner.id).first();
    expect(row?.push_secret_enc).toMatch(/^v1\./);

    // The admin rotates it to hand one over: pushes verify with it from then on.
    const { pushSigningSecret } = (
      await api('POST', `/api/v1/partners/${partner.id}/rotate-push-secret`, { expect: 200 })
    ).body;
    vi.setSystemTime(NOW + HOUR);
    await pushAgain(partner.id);
    expect(verified(pushSigningSecret, sent()[1])).toBe(true);
    expect(verified(partner.signingSecret, sent()[1])).toBe(false);
  });
});
