// A Worker deployed with REPORT_TIMEZONE misspelt, its secrets sound: every entry point refuses to serve.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor } from '../../src/db/job-state';
import worker from '../../src/index';

const ORIGIN = 'https://relais.test';
const REFUSAL = {
  error: {
    code: 'misconfigured',
    message: expect.stringContaining('REPORT_TIMEZONE is not a time zone'),
    details: { settings: [{ setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' }] },
  },
};

// The settings are judged per env object, so this one is judged apart from the suite's sound one.
// Durable Objects judge theirs with the same function (the "misconfigured" project checks them).
const misspelt = { ...env, REPORT_TIMEZONE: 'Europe/Pariss' } as Env;

async function send(method: string, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, { method, redirect: 'manual', ...init }) as Request<
      unknown,
      IncomingRequestCfProperties
    >,
    misspelt,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a Worker whose time zone is not one', () => {
  // First in the file: the verdict is logged when the isolate first judges its settings.
  it('logs what is wrong once, however many requests come', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 3; i++) expect((await send('GET', '/autodoc-freins')).status).toBe(500);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toContain('REPORT_TIMEZONE is not a time zone');
  });

  it('answers every request 500 misconfigured naming the setting, rather than count days in UTC', async () => {
    const admin = { headers: { authorization: `Bearer ${env.ADMIN_API_KEY}` } };
    const requests: [string, string, RequestInit?][] = [
      ['GET', '/autodoc-freins?sub1=x'],
      ['GET', '/r/ABC123'],
      ['GET', '/health'],
      ['GET', '/api/v1/reports/daily', admin],
      ['POST', '/api/v1/reports/daily/rebuild', { ...admin, body: '{"date":"2026-03-10"}' }],
      ['GET', '/pb/autodoc?token=x&transactionId=t1'],
    ];
    for (const [method, path, init] of requests) {
      const res = await send(method, path, init);
      expect(res.status, `${method} ${path}`).toBe(500);
      expect(await res.json()).toEqual(REFUSAL);
    }
  });

  it('skips scheduled jobs, saying why', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await worker.scheduled(
      createScheduledController({ cron: '10 0 * * *', scheduledTime: Date.parse('2031-01-02T00:10:00Z') }),
      misspelt,
    );
    expect(await readCursor(dbOf(env), 'daily')).toBeNull();
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(/^scheduled job "10 0 \* \* \*" skipped\. .*REPORT_TIMEZONE/),
    );
  });
});
