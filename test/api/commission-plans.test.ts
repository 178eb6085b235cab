// Commission plans: new rules dated from a day's start, listed, cancelled before they start, and the partner's rules following them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, newTxn, postSigned } from '../postback/client';
import { type CreatedPartner, createKey, createPartner } from '../support/builders';
import { api } from '../support/http';

// The programme's zone is UTC in tests (wrangler.toml); test/domain/commission-plan.test.ts dates
// plans in other zones. Each test starts on a day of its own, the clock faked (Date only).
let NOW = Date.parse('2031-05-10T10:00:00Z');
beforeEach(() => {
  NOW += 40 * 86_400_000;
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

const DAY_MS = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOf = (date: string) => `${date}T00:00:00.000Z`;

// Rows' createdAt is stamped by the database, which the faked clock does not reach.
const ISO_INSTANT = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

const OLD = [{ percent: 8 }];
const NEW = [{ percent: 12 }];

async function schedule(p: CreatedPartner, rules: unknown, effectiveFrom?: string) {
  return api('PATCH', `/api/v1/partners/${p.id}`, { body: { commissionRules: rules, effectiveFrom } });
}

const plansOf = async (id: string, key?: string) =>
  (await api('GET', `/api/v1/partners/${id}/commission-plans`, { key, expect: 200 })).body;

async function commissionAt(p: CreatedPartner, occurredAt: string): Promise<number> {
  const res = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: 100, occurredAt });
  expect(res.status).toBe(200);
  return (await json(res)).commission;
}

describe('PATCH /api/v1/partners/:id with effectiveFrom', () => {
  it('keeps the rules in force until the date and names the plan to come', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 20 * DAY_MS);
    const res = await schedule(p, NEW, date);
    expect(res.status).toBe(200);
    expect(res.body.commissionRules).toEqual(OLD);
    expect(res.body.scheduledCommissionPlan).toEqual({
      id: expect.stringMatching(/^pln_/),
      effectiveFrom: date,
      effectiveAt: startOf(date),
      rules: NEW,
    });
  });

  it('prices a conversion by the plan in force when it occurred, either side of the start', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 25 * DAY_MS);
    await schedule(p, NEW, date);
    expect(await commissionAt(p, new Date(NOW).toISOString())).toBe(8);
    expect(await commissionAt(p, '2000-01-01T00:00:00Z')).toBe(8);
    expect(await commissionAt(p, new Date(Date.parse(startOf(date)) - 1).toISOString())).toBe(8);
    expect(await commissionAt(p, startOf(date))).toBe(12);
    expect(await commissionAt(p, new Date(Date.parse(startOf(date)) + 3 * DAY_MS).toISOString())).toBe(12);
  });

  it("switches the partner's rules at the start of the date, with nothing written", async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + DAY_MS);
    const scheduled = await schedule(p, NEW, date);
    vi.setSystemTime(Date.parse(startOf(date)) - 1);
    const before = (await api('GET', `/api/v1/partners/${p.id}`, { expect: 200 })).body;
    expect(before.commissionRules).toEqual(OLD);
    vi.setSystemTime(Date.parse(startOf(date)));
    const after = (await api('GET', `/api/v1/partners/${p.id}`, { expect: 200 })).body;
    expect(after.commissionRules).toEqual(NEW);
    expect(after.scheduledCommissionPlan).toBeNull();
    expect(after.updatedAt).toBe(scheduled.body.updatedAt);
    const listed = (await api('GET', '/api/v1/partners?limit=500', { expect: 200 })).body.data;
    expect(listed.find((x: { id: string }) => x.id === p.id).commissionRules).toEqual(NEW);
  });

  it('applies rules dated today from the start of today, over the plan made earlier today', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const today = dateOf(NOW);
    const res = await schedule(p, NEW, today);
    expect(res.status).toBe(200);
    expect(res.body.commissionRules).toEqual(NEW);
    expect(res.body.scheduledCommissionPlan).toBeNull();
    // Posted now, occurred before the change was made: the new rules.
    expect(await commissionAt(p, `${today}T00:00:00Z`)).toBe(12);
    expect(await commissionAt(p, new Date(NOW + 3_600_000).toISOString())).toBe(12);
    // Before today, the partner's first plan still covers what happened.
    expect(await commissionAt(p, new Date(Date.parse(startOf(today)) - 1).toISOString())).toBe(8);
    const plans = (await plansOf(p.id)).data;
    expect(plans.map((x: { rules: unknown; status: string }) => [x.rules, x.status])).toEqual([
      [OLD, 'past'],
      [NEW, 'current'],
    ]);
  });

  it('leaves commissions already recorded today as they are', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const recorded = await postSigned(p.slug, p.signingSecret, { transactionId: newTxn(), amount: 100 });
    const { conversionId } = await json(recorded);
    await schedule(p, NEW, dateOf(NOW));
    expect((await api('GET', `/api/v1/conversions/${conversionId}`, { expect: 200 })).body.commission).toBe(8);
  });

  it('replaces the change scheduled for the same date with the second one', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 10 * DAY_MS);
    await schedule(p, NEW, date);
    const second = await schedule(p, [{ percent: 15 }], date);
    expect(second.body.scheduledCommissionPlan.rules).toEqual([{ percent: 15 }]);
    const plans = (await plansOf(p.id)).data;
    expect(plans.map((x: { rules: unknown; status: string }) => [x.rules, x.status])).toEqual([
      [OLD, 'current'],
      [[{ percent: 15 }], 'scheduled'],
    ]);
    expect(await commissionAt(p, startOf(date))).toBe(15);
  });

  it('keeps a plan scheduled when the rules change at once meanwhile', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 10 * DAY_MS);
    await schedule(p, NEW, date);
    vi.setSystemTime(NOW + 60_000);
    const res = await schedule(p, [{ percent: 10 }]);
    expect(res.body.commissionRules).toEqual([{ percent: 10 }]);
    expect(res.body.scheduledCommissionPlan).toMatchObject({ effectiveFrom: date, rules: NEW });
    expect(await commissionAt(p, new Date(NOW + 120_000).toISOString())).toBe(10);
    expect(await commissionAt(p, startOf(date))).toBe(12);
  });

  it.each([
    ['a date before today', () => dateOf(NOW - DAY_MS)],
    ['a date that does not exist', () => '2031-02-30'],
    ['a date written otherwise', () => '01/12/2031'],
    ['a time instead of a date', () => new Date(NOW + DAY_MS).toISOString()],
  ])('answers 400 invalid_request on effectiveFrom for %s', async (_what, date) => {
    const p = await createPartner({ commissionRules: OLD });
    const res = await schedule(p, NEW, date());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string[] }) => d.path)).toEqual([['effectiveFrom']]);
    expect((await plansOf(p.id)).data).toHaveLength(1);
  });

  it('answers 400 for effectiveFrom without commissionRules', async () => {
    const p = await createPartner();
    const res = await api('PATCH', `/api/v1/partners/${p.id}`, { body: { effectiveFrom: dateOf(NOW + DAY_MS) } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details).toEqual([{ path: ['effectiveFrom'], message: expect.any(String), code: 'custom' }]);
  });
});

describe('GET /api/v1/partners/:id/commission-plans', () => {
  it('lists every plan oldest first, dated, with its standing', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 5 * DAY_MS);
    vi.setSystemTime(NOW + 60_000);
    await schedule(p, [{ percent: 10 }]);
    await schedule(p, NEW, date);
    const res = await plansOf(p.id);
    expect(res.nextCursor).toBeNull();
    expect(res.data).toEqual([
      {
        id: expect.stringMatching(/^pln_/),
        effectiveFrom: dateOf(NOW),
        effectiveAt: new Date(NOW).toISOString(),
        rules: OLD,
        status: 'past',
        createdAt: ISO_INSTANT,
      },
      {
        id: expect.stringMatching(/^pln_/),
        effectiveFrom: dateOf(NOW),
        effectiveAt: new Date(NOW + 60_000).toISOString(),
        rules: [{ percent: 10 }],
        status: 'current',
        createdAt: ISO_INSTANT,
      },
      {
        id: expect.stringMatching(/^pln_/),
        effectiveFrom: date,
        effectiveAt: startOf(date),
        rules: NEW,
        status: 'scheduled',
        createdAt: ISO_INSTANT,
      },
    ]);
  });

  it("shows a partner key its own partner's plans and no other's", async () => {
    const p = await createPartner({ commissionRules: OLD });
    const other = await createPartner();
    await schedule(p, NEW, dateOf(NOW + DAY_MS));
    const { key } = await createKey('partner', p.id);
    expect((await plansOf(p.id, key)).data).toHaveLength(2);
    const own = (await api('GET', `/api/v1/partners/${p.id}`, { key, expect: 200 })).body;
    expect(own.scheduledCommissionPlan.rules).toEqual(NEW);
    const res = await api('GET', `/api/v1/partners/${other.id}/commission-plans`, { key });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 404 for an unknown partner', async () => {
    expect((await api('GET', '/api/v1/partners/ptn_nope/commission-plans')).status).toBe(404);
  });
});

describe('DELETE /api/v1/partners/:id/commission-plans/:planId', () => {
  it('cancels a scheduled plan: the rules in force stay in force', async () => {
    const p = await createPartner({ commissionRules: OLD });
    const date = dateOf(NOW + 3 * DAY_MS);
    const planId = (await schedule(p, NEW, date)).body.scheduledCommissionPlan.id;
    await api('DELETE', `/api/v1/partners/${p.id}/commission-plans/${planId}`, { expect: 204 });
    expect((await plansOf(p.id)).data.map((x: { status: string }) => x.status)).toEqual(['current']);
    expect((await api('GET', `/api/v1/partners/${p.id}`, { expect: 200 })).body.scheduledCommissionPlan).toBeNull();
    expect(await commissionAt(p, startOf(date))).toBe(8);
  });

  it('answers 409 plan_started for a plan in force or past', async () => {
    const p = await createPartner({ commissionRules: OLD });
    vi.setSystemTime(NOW + 60_000);
    await schedule(p, NEW);
    const [past, current] = (await plansOf(p.id)).data;
    for (const plan of [past, current]) {
      const res = await api('DELETE', `/api/v1/partners/${p.id}/commission-plans/${plan.id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('plan_started');
    }
    expect((await plansOf(p.id)).data).toHaveLength(2);
  });

  it("answers 404 for another partner's plan, and 403 for a partner key", async () => {
    const p = await createPartner();
    const other = await createPartner();
    const planId = (await schedule(other, NEW, dateOf(NOW + DAY_MS))).body.scheduledCommissionPlan.id;
    expect((await api('DELETE', `/api/v1/partners/${p.id}/commission-plans/${planId}`)).status).toBe(404);
    const { key } = await createKey('partner', other.id);
    expect((await api('DELETE', `/api/v1/partners/${other.id}/commission-plans/${planId}`, { key })).status).toBe(403);
    expect((await plansOf(other.id)).data).toHaveLength(2);
  });
});
