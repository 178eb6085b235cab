// The housekeeping job: each table purged after its retention and kept before it, in bounded batches.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { dateIn, nextDate } from '../../src/domain/calendar';
import { failureMinute } from '../../src/domain/postback-failure';
import worker from '../../src/index';
import { runHousekeeping } from '../../src/jobs/housekeeping';
import { CRON_RECONCILE } from '../../src/jobs/schedule';
import { getWithToken, newTxn } from '../postback/client';
import { createPartner } from '../support/builders';
import { api } from '../support/http';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.parse('2031-06-15T12:00:00Z');
const TABLES = [
  'postback_log',
  'postback_failures',
  'webhook_receipts',
  'console_sessions',
  'console_tokens',
  'orphan_visits',
  'link_checks',
];

let seq = 0;
const nextId = (prefix: string) => `${prefix}_${(seq++).toString().padStart(6, '0')}`;

beforeEach(async () => {
  await env.DB.batch(TABLES.map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

const idsOf = async (table: string, column: string) =>
  (await env.DB.prepare(`SELECT ${column} AS id FROM ${table} ORDER BY 1`).all<{ id: string }>()).results.map(
    (r) => r.id,
  );

/** A postback log row written at `atMs`; answers its id. */
async function logAt(atMs: number): Promise<string> {
  const id = nextId('pbl');
  await env.DB.prepare(
    `INSERT INTO postback_log (id, partner_slug, method, outcome, http_status, created_at)
     VALUES (?, 'autodoc', 'GET', 'recorded', 200, ?)`,
  )
    .bind(id, atMs)
    .run();
  return id;
}

async function failureAt(atMs: number): Promise<string> {
  const minute = failureMinute(atMs);
  const id = `pbf_${String(minute / MINUTE).padStart(9, '0')}_${nextId('h')}`;
  await env.DB.prepare(
    `INSERT INTO postback_failures (id, minute, partner_slug, error_code, http_status, last_at)
     VALUES (?, ?, 'autodoc', 'invalid_token', 401, ?)`,
  )
    .bind(id, minute, atMs)
    .run();
  return id;
}

async function receiptAt(atMs: number): Promise<string> {
  const id = nextId('msg');
  await env.DB.prepare(
    `INSERT INTO webhook_receipts (partner_id, webhook_id, answer, created_at) VALUES ('ptn_x', ?, '{}', ?)`,
  )
    .bind(id, atMs)
    .run();
  return id;
}

async function consoleUser(): Promise<string> {
  const id = nextId('usr');
  await env.DB.prepare(`INSERT INTO console_users (id, email, role) VALUES (?, ?, 'admin')`)
    .bind(id, `${id}@relais.test`)
    .run();
  return id;
}

async function sessionUntil(userId: string, expiresAtMs: number): Promise<string> {
  const hash = nextId('ses');
  await env.DB.prepare(
    `INSERT INTO console_sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
  )
    .bind(hash, userId, expiresAtMs - 7 * DAY, expiresAtMs, expiresAtMs - 7 * DAY)
    .run();
  return hash;
}

async function token(userId: string, expiresAtMs: number, usedAtMs: number | null): Promise<string> {
  const hash = nextId('tok');
  await env.DB.prepare(
    `INSERT INTO console_tokens (token_hash, user_id, kind, created_at, expires_at, used_at)
     VALUES (?, ?, 'invite', ?, ?, ?)`,
  )
    .bind(hash, userId, expiresAtMs - 7 * DAY, expiresAtMs, usedAtMs)
    .run();
  return hash;
}

const dayBefore = (days: number) => nextDate(dateIn(NOW, 'UTC'), -days);

describe('housekeeping: postback logs', () => {
  it('deletes log rows older than LOG_RETENTION_DAYS (30 by default) and keeps younger ones', async () => {
    const old = await logAt(NOW - 30 * DAY - MINUTE);
    const young = await logAt(NOW - 30 * DAY + MINUTE);
    const report = await runHousekeeping(env, NOW);
    expect(report.postbackLog).toEqual({ deleted: 1, isDone: true });
    expect(await idsOf('postback_log', 'id')).toEqual([young]);
    expect(await idsOf('postback_log', 'id')).not.toContain(old);
  });

  it('follows LOG_RETENTION_DAYS when set', async () => {
    const old = await logAt(NOW - 10 * DAY - MINUTE);
    const young = await logAt(NOW - 10 * DAY + MINUTE);
    await runHousekeeping({ ...env, LOG_RETENTION_DAYS: '10' } as Env, NOW);
    expect(await idsOf('postback_log', 'id')).toEqual([young]);
    expect(old).not.toBe(young);
  });

  it('deletes counts of failed postbacks of minutes before the retention', async () => {
    await failureAt(NOW - 30 * DAY - 2 * MINUTE);
    const young = await failureAt(NOW - 30 * DAY + MINUTE);
    const recent = await failureAt(NOW - MINUTE);
    expect((await runHousekeeping(env, NOW)).postbackFailures).toEqual({ deleted: 1, isDone: true });
    expect(await idsOf('postback_failures', 'id')).toEqual([young, recent]);
  });
});

describe('housekeeping: webhook receipts', () => {
  it('keeps the answers to webhook ids as long as the logs, and deletes them after', async () => {
    await receiptAt(NOW - 30 * DAY - MINUTE);
    const young = await receiptAt(NOW - 30 * DAY + MINUTE);
    await runHousekeeping(env, NOW);
    expect(await idsOf('webhook_receipts', 'webhook_id')).toEqual([young]);
  });

  it('keeps them at least 7 days, past any sender retry, however short the log retention', async () => {
    await receiptAt(NOW - 7 * DAY - MINUTE);
    const sixDays = await receiptAt(NOW - 6 * DAY);
    const day = await receiptAt(NOW - DAY);
    await runHousekeeping({ ...env, LOG_RETENTION_DAYS: '1' } as Env, NOW);
    expect(await idsOf('webhook_receipts', 'webhook_id')).toEqual([sixDays, day]);
  });
});

describe('housekeeping: console sessions and single-use links', () => {
  it('deletes sessions past their expiry and keeps live ones', async () => {
    const user = await consoleUser();
    await sessionUntil(user, NOW - MINUTE);
    const live = await sessionUntil(user, NOW + MINUTE);
    expect((await runHousekeeping(env, NOW)).consoleSessions).toEqual({ deleted: 1, isDone: true });
    expect(await idsOf('console_sessions', 'token_hash')).toEqual([live]);
  });

  it('deletes links used or expired more than a day ago, and keeps the others', async () => {
    const user = await consoleUser();
    await token(user, NOW + DAY, NOW - DAY - MINUTE);
    await token(user, NOW - DAY - MINUTE, null);
    const usedToday = await token(user, NOW + DAY, NOW - DAY + MINUTE);
    const expiredToday = await token(user, NOW - DAY + MINUTE, null);
    const open = await token(user, NOW + DAY, null);
    expect((await runHousekeeping(env, NOW)).consoleTokens).toEqual({ deleted: 2, isDone: true });
    expect(await idsOf('console_tokens', 'token_hash')).toEqual([usedToday, expiredToday, open].sort());
  });
});

describe('housekeeping: orphan visits and link checks', () => {
  it('keeps orphan-visit counts 400 days, for a comparison with the year before', async () => {
    await env.DB.batch(
      [401, 400, 399, 0].map((days) =>
        env.DB.prepare(`INSERT INTO orphan_visits (date, path, hits, bot_hits) VALUES (?, '/nope', 1, 0)`).bind(
          dayBefore(days),
        ),
      ),
    );
    await runHousekeeping(env, NOW);
    expect(await idsOf('orphan_visits', 'date')).toEqual([dayBefore(400), dayBefore(399), dayBefore(0)]);
  });

  it('keeps link-health results 90 days', async () => {
    await env.DB.batch(
      [91, 90, 89].map((days) =>
        env.DB.prepare(
          `INSERT INTO link_checks (link_id, date, partner_id, status) VALUES ('lnk_1', ?, 'ptn_1', 'ok')`,
        ).bind(dayBefore(days)),
      ),
    );
    await runHousekeeping(env, NOW);
    expect(await idsOf('link_checks', 'date')).toEqual([dayBefore(90), dayBefore(89)]);
  });
});

describe('housekeeping: bounded runs', () => {
  it('deletes at most its statements times its batch per table, oldest first, and the next run goes on', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await logAt(NOW - 60 * DAY + i * MINUTE));
    const kept = await logAt(NOW - DAY);
    const first = await runHousekeeping(env, NOW, { batchRows: 10, maxStatements: 2 });
    expect(first.postbackLog).toEqual({ deleted: 20, isDone: false });
    expect(await idsOf('postback_log', 'id')).toEqual([...ids.slice(20), kept]);
    const second = await runHousekeeping(env, NOW, { batchRows: 10, maxStatements: 2 });
    expect(second.postbackLog).toEqual({ deleted: 5, isDone: true });
    expect(await idsOf('postback_log', 'id')).toEqual([kept]);
    expect((await runHousekeeping(env, NOW, { batchRows: 10, maxStatements: 2 })).postbackLog).toEqual({
      deleted: 0,
      isDone: true,
    });
  });

  it('bounds each table on its own, so one backlog does not stop the others', async () => {
    for (let i = 0; i < 12; i++) await logAt(NOW - 60 * DAY + i * MINUTE);
    await receiptAt(NOW - 60 * DAY);
    const report = await runHousekeeping(env, NOW, { batchRows: 5, maxStatements: 1 });
    expect(report.postbackLog).toEqual({ deleted: 5, isDone: false });
    expect(report.webhookReceipts).toEqual({ deleted: 1, isDone: true });
  });

  it('runs from the 15-minute cron', async () => {
    const now = Date.now();
    await logAt(now - 31 * DAY);
    const young = await logAt(now - DAY);
    await worker.scheduled(createScheduledController({ cron: CRON_RECONCILE, scheduledTime: now }), env);
    expect(await idsOf('postback_log', 'id')).toEqual([young]);
  });
});

describe('housekeeping and postback replays', () => {
  /** A postback the partner's settings refused, logged (replayable) `ageMs` ago. */
  async function refusedPostbackAged(ageMs: number) {
    const p = await createPartner();
    const txn = newTxn();
    await getWithToken(p.slug, p.postbackToken, { order_ref: txn, total: '30.00' });
    const log = (await api('GET', `/api/v1/postbacks?partnerId=${p.id}`, { expect: 200 })).body.data[0];
    expect(log.httpStatus).toBe(400);
    await env.DB.prepare('UPDATE postback_log SET created_at = ? WHERE id = ?')
      .bind(Date.now() - ageMs, log.id)
      .run();
    await api('PATCH', `/api/v1/partners/${p.id}`, {
      body: { postbackParams: { transactionId: 'order_ref', amount: 'total' } },
      expect: 200,
    });
    return { id: log.id as string, txn };
  }

  it('still replays a logged postback within the retention', async () => {
    const { id, txn } = await refusedPostbackAged(29 * DAY);
    await runHousekeeping(env, Date.now());
    const replay = await api('POST', `/api/v1/postbacks/${id}/replay`, { expect: 200 });
    expect(replay.body).toMatchObject({ httpStatus: 200, answer: { status: 'recorded', transactionId: txn } });
  });

  it('finds no log entry to replay once past it', async () => {
    const { id } = await refusedPostbackAged(31 * DAY);
    await runHousekeeping(env, Date.now());
    await api('POST', `/api/v1/postbacks/${id}/replay`, { expect: 404 });
  });
});
