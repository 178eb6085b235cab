// A Worker deployed without HASH_KEY and with a short SECRETS_KEY (vitest.config.ts, project "misconfigured").
import { createScheduledController, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor } from '../../src/db/job-state';
import worker from '../../src/index';
import { REFUSED_ALARM_RETRY_MS } from '../../src/isolate/configuration';

const ORIGIN = 'https://relais.test';
const SETTINGS = [
  { setting: 'HASH_KEY', problem: 'missing' },
  { setting: 'SECRETS_KEY', problem: 'too_short' },
];

const send = (method: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, redirect: 'manual', ...init }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a Worker without sound secrets', () => {
  // First in the file: the verdict is logged when the isolate first judges its settings.
  it('logs what is wrong once, however many requests come', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 3; i++) expect((await send('GET', '/autodoc-freins')).status).toBe(500);
    const lines = logged.mock.calls.map((args) => args.join(' '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('HASH_KEY is missing, SECRETS_KEY is shorter than 32 bytes');
    expect(lines[0]).not.toContain(env.SECRETS_KEY);
  });

  it('answers every request 500 misconfigured, redirects included, naming the settings and not their values', async () => {
    const requests: [string, string, RequestInit?][] = [
      ['GET', '/autodoc-freins?sub1=x'],
      ['GET', '/r/ABC123'],
      ['GET', '/health'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/api/v1/partners', { headers: { authorization: `Bearer ${env.ADMIN_API_KEY}` } }],
      ['POST', '/pb/autodoc', { body: '{"transactionId":"t1"}', headers: { 'content-type': 'application/json' } }],
      ['GET', '/pb/autodoc?token=x&transactionId=t1'],
    ];
    for (const [method, path, init] of requests) {
      const res = await send(method, path, init);
      expect(res.status, `${method} ${path}`).toBe(500);
      const text = await res.text();
      expect(text).not.toContain(env.SECRETS_KEY);
      expect(text).not.toContain('ADMIN_API_KEY');
      expect(JSON.parse(text)).toEqual({
        error: {
          code: 'misconfigured',
          message: expect.stringContaining('HASH_KEY is missing, SECRETS_KEY is shorter than 32 bytes'),
          details: { settings: SETTINGS },
        },
      });
    }
    expect((await send('HEAD', '/autodoc-freins')).status).toBe(500);
  });

  it('skips scheduled jobs, saying why', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await worker.scheduled(
      createScheduledController({ cron: '10 0 * * *', scheduledTime: Date.parse('2031-01-02T00:10:00Z') }),
      env,
    );
    expect(await readCursor(dbOf(env), 'daily')).toBeNull();
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^scheduled job "10 0 \* \* \*" skipped\. .*HASH_KEY/));
  });

  // Called inside each object: a rejection crossing the RPC boundary is also reported as uncaught
  // in the runtime that threw it, which is the tests' own here.
  it('has its Durable Objects refuse calls', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const refused = (call: () => unknown) =>
      Promise.resolve()
        .then(call)
        .then(
          () => 'served',
          (err: Error) => err.message,
        );
    const scheduler = env.DELIVERIES.getByName('prt_1');
    expect(await runInDurableObject(scheduler, (o) => refused(() => o.wake('prt_1')))).toMatch(/HASH_KEY is missing/);
    const limiter = env.RATE_LIMITER.getByName('partner:prt_1');
    expect(await runInDurableObject(limiter, (o) => refused(() => o.take(100, 200)))).toMatch(/HASH_KEY is missing/);
    const buffer = env.CLICK_BUFFER.getByName('shard-0');
    expect(await runInDurableObject(buffer, (o) => refused(() => o.record('[]')))).toMatch(/HASH_KEY is missing/);
  });

  it("skips a delivery scheduler's alarm and looks again later", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const stub = env.DELIVERIES.getByName('prt_2');
    await runInDurableObject(stub, async (_, state) => {
      await state.storage.put('partnerId', 'prt_2');
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    const before = Date.now();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const next = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThanOrEqual(before + REFUSED_ALARM_RETRY_MS);
  });
});
