import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { readCursor, writeCursor } from '../../src/db/job-state';
import { statements } from '../../src/db/schema';
import worker from '../../src/index';
import { runMonthlyStatements, STATEMENTS_STATE } from '../../src/jobs/statements';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertConversion } from '../support/rows';
import { standIn } from '../support/stand-in';

const paris = { ...env, REPORT_TIMEZONE: 'Europe/Paris' };
const at = (iso: string) => Date.parse(iso);

// The job keeps one state for the whole database: each test starts from none, in years of its own.
beforeEach(async () => {
  await writeCursor(dbOf(env), STATEMENTS_STATE, null);
  standIn();
});
afterEach(() => vi.restoreAllMocks());

const statementsOf = (partnerId: string) =>
  dbOf(env).select().from(statements).where(eq(statements.partnerId, partnerId)).all();

describe('monthly statements job', () => {
  it("makes every partner's statement of a month once the month is over in the programme's zone", async () => {
    const a = await createPartner();
    const b = await createPartner();
    await insertConversion(a.id, '2071-01-31T22:30:00Z'); // 23:30 on 31 January in Paris
    await insertConversion(b.id, '2071-01-15T09:00:00Z', { commissionMinor: 500 });
    await insertConversion(b.id, '2071-01-31T23:30:00Z'); // 1 February in Paris

    // 23:55 in Paris: January is not over there; the first run ever states the month before.
    expect(await runMonthlyStatements(paris, at('2071-01-31T22:55:00Z'))).toEqual(['2070-12']);
    expect(await statementsOf(a.id)).toEqual([]);

    expect(await runMonthlyStatements(paris, at('2071-01-31T23:05:00Z'))).toEqual(['2071-01']);
    expect(await readCursor(dbOf(env), STATEMENTS_STATE)).toBe('2071-01');
    expect((await statementsOf(a.id)).map((s) => [s.month, s.commissionMinor, s.number])).toEqual([
      ['2071-01', 800, expect.stringMatching(/^REL-2071-000[12]$/)],
    ]);
    expect((await statementsOf(b.id)).map((s) => [s.month, s.commissionMinor])).toEqual([['2071-01', 500]]);

    // Every quarter of an hour after that changes nothing.
    expect(await runMonthlyStatements(paris, at('2071-01-31T23:20:00Z'))).toEqual([]);
    expect(await statementsOf(b.id)).toHaveLength(1);
  });

  it('states a partner deleted during the month: what it earned before is still owed', async () => {
    const gone = await createPartner();
    await insertConversion(gone.id, '2072-03-10T09:00:00Z');
    await api('DELETE', `/api/v1/partners/${gone.id}`, { expect: 204 });

    await runMonthlyStatements(env, at('2072-04-01T00:05:00Z'));
    expect((await statementsOf(gone.id)).map((s) => [s.month, s.commissionMinor])).toEqual([['2072-03', 800]]);
  });

  it('catches up the months it missed, oldest first', async () => {
    const p = await createPartner();
    for (const month of ['02', '03', '04']) await insertConversion(p.id, `2072-${month}-10T09:00:00Z`);
    await writeCursor(dbOf(env), STATEMENTS_STATE, '2072-01');
    expect(await runMonthlyStatements(env, at('2072-05-01T00:15:00Z'))).toEqual(['2072-02', '2072-03', '2072-04']);
    const made = (await statementsOf(p.id)).sort((x, y) => x.number.localeCompare(y.number));
    expect(made.map((s) => [s.month, s.commissionMinor])).toEqual([
      ['2072-02', 800],
      ['2072-03', 800],
      ['2072-04', 800],
    ]);
  });

  it('resumes a run cut short after the last partner it finished', async () => {
    const first = await createPartner();
    const second = await createPartner();
    await insertConversion(first.id, '2073-03-10T09:00:00Z');
    await insertConversion(second.id, '2073-03-10T09:00:00Z');
    // A run of March's statements stopped once the partners up to `first` were done.
    await writeCursor(dbOf(env), STATEMENTS_STATE, '2073-02');
    await writeCursor(dbOf(env), 'statements:partners', first.id);
    expect(await runMonthlyStatements(env, at('2073-04-01T00:15:00Z'))).toEqual(['2073-03']);
    expect(await statementsOf(first.id)).toEqual([]);
    expect(await statementsOf(second.id)).toHaveLength(1);
    expect(await readCursor(dbOf(env), 'statements:partners')).toBeNull();
  });

  it('runs with the 15-minute cron', async () => {
    const p = await createPartner();
    await insertConversion(p.id, '2074-06-10T09:00:00Z');
    const scheduledTime = at('2074-07-01T00:15:00Z');
    await worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime }), env);
    expect((await statementsOf(p.id)).map((s) => s.month)).toEqual(['2074-06']);
  });
});
