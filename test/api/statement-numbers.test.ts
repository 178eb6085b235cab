import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { conversions, statementLines, statementNumbers, statements } from '../../src/db/schema';
import { issueStatement, type StatementToIssue, statementCandidates } from '../../src/db/statements';
import { monthRangeIn } from '../../src/domain/calendar';
import { newStatementId } from '../../src/domain/statements';
import { linesToIssue } from '../../src/services/statements';
import { createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertConversion } from '../support/rows';

afterEach(() => vi.useRealTimers());

const run = (month: string, partnerId?: string) =>
  api('POST', '/api/v1/statements/run', { body: { month, partnerId }, expect: 200 });

/** Everything statements wrote, read back from D1. */
async function ledger() {
  const db = dbOf(env);
  return {
    statements: await db.select().from(statements).all(),
    lines: await db.select().from(statementLines).all(),
    conversions: await db.select().from(conversions).all(),
    counters: await db.select().from(statementNumbers).all(),
  };
}

/**
 * What must hold whatever the order in which concurrent runs were served: the year's numbers are
 * 1..n with no gap or duplicate and follow issue times, every statement's totals are the sums of
 * its lines, and each conversion was stated once, at its commission.
 */
async function expectConsistent(year: number) {
  const { statements: all, lines, conversions: rows, counters } = await ledger();
  const ofYear = all
    .filter((s) => s.number.startsWith(`REL-${year}-`))
    .sort((a, b) => a.number.localeCompare(b.number));
  expect(ofYear.map((s) => s.number)).toEqual(ofYear.map((_, i) => `REL-${year}-${String(i + 1).padStart(4, '0')}`));
  expect(counters.find((c) => c.year === year)?.last).toBe(ofYear.length);
  const issued = ofYear.map((s) => s.issuedAt.getTime());
  expect(issued).toEqual([...issued].sort((a, b) => a - b));
  for (const s of all) {
    const own = lines.filter((l) => l.statementId === s.id);
    const sum = (kinds: string[]) =>
      own.filter((l) => kinds.includes(l.kind)).reduce((total, l) => total + l.commissionMinor, 0);
    expect(own.length, s.number).toBeGreaterThan(0);
    expect(s.commissionMinor, s.number).toBe(sum(['commission']));
    expect(s.adjustmentsMinor, s.number).toBe(sum(['late', 'adjustment']));
    expect(s.totalExclVatMinor, s.number).toBe(s.commissionMinor + s.adjustmentsMinor);
  }
  for (const c of rows.filter((r) => r.status === 'approved')) {
    const own = lines.filter((l) => l.conversionId === c.id);
    expect(own, c.transactionId).toHaveLength(1);
    expect(own[0]?.commissionMinor).toBe(c.reportingCommissionMinor);
    expect(c.statedCommissionMinor).toBe(c.reportingCommissionMinor);
    expect(c.statementId).toBe(own[0]?.statementId);
  }
  return ofYear;
}

describe('statement numbers under concurrent runs', () => {
  it('are gapless when runs for the same and for different partners and months overlap', async () => {
    const partners = [await createPartner(), await createPartner(), await createPartner()];
    for (const p of partners) {
      for (const month of ['01', '02', '03']) {
        await insertConversion(p.id, `2061-${month}-10T09:00:00Z`, { commissionMinor: 100 + Number(month) });
        await insertConversion(p.id, `2061-${month}-20T09:00:00Z`, { commissionMinor: 200 + Number(month) });
      }
      await insertConversion(p.id, '2061-02-15T09:00:00Z', { status: 'pending' });
    }
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2061-04-01T00:05:00Z') });
    const [a, b, c] = partners.map((p) => p.id);
    await Promise.all([
      run('2061-01', a),
      run('2061-01', a),
      run('2061-01'),
      run('2061-02', b),
      run('2061-02'),
      run('2061-02', a),
      run('2061-03'),
      run('2061-03', c),
      run('2061-01', b),
      run('2061-03', a),
      run('2061-01'),
      run('2061-02', c),
    ]);
    const issued = await expectConsistent(2061);
    // Every run for a month made at most one statement per partner; nothing was left unstated.
    expect(issued.length).toBeLessThanOrEqual(9);
    expect(new Set(issued.map((s) => `${s.partnerId} ${s.month}`)).size).toBe(issued.length);
  });

  it('state each conversion once when a partner’s months are run together, late approvals included', async () => {
    const p = await createPartner();
    const pending = await insertConversion(p.id, '2062-01-05T09:00:00Z', { status: 'pending', commissionMinor: 700 });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2062-02-01T00:05:00Z') });
    await insertConversion(p.id, '2062-01-10T09:00:00Z');
    await run('2062-01', p.id);
    vi.setSystemTime(Date.parse('2062-02-03T09:00:00Z'));
    await api('PATCH', `/api/v1/conversions/${pending.id}`, { body: { status: 'approved' }, expect: 200 });
    for (const month of ['02', '03', '04']) {
      for (let i = 0; i < 4; i++)
        await insertConversion(p.id, `2062-${month}-1${i}T09:00:00Z`, { commissionMinor: 50 + i });
    }
    vi.setSystemTime(Date.parse('2062-05-01T00:05:00Z'));
    const months = ['2062-04', '2062-02', '2062-03'];
    await Promise.all([...months, ...months, ...months].map((m) => run(m, p.id)));
    // Whichever run came first took the conversions it found: January's statement as it was, and
    // no month stated twice.
    const issued = (await expectConsistent(2062)).filter((s) => s.partnerId === p.id);
    expect(issued.map((s) => s.month)).toContain('2062-01');
    expect(new Set(issued.map((s) => s.month)).size).toBe(issued.length);
  });

  it('spend no number and state nothing when another run stated the conversions since they were read', async () => {
    const p = await createPartner();
    const c = await insertConversion(p.id, '2063-01-10T09:00:00Z', { commissionMinor: 800 });
    const db = dbOf(env);
    // Two runs, for February and March, read the partner's conversions before either writes.
    const plan = async (month: string): Promise<StatementToIssue> => {
      const range = monthRangeIn(month, 'UTC');
      const read = await statementCandidates(db, { partnerId: p.id, currency: 'EUR', endMs: range.endMs });
      return {
        id: newStatementId(),
        partnerId: p.id,
        month,
        currency: 'EUR',
        year: 2063,
        issuedAtMs: Date.parse('2063-04-01T00:05:00Z'),
        paymentTermsMs: 30 * 86_400_000,
        vatRateBp: 2_000,
        billedTo: {},
        issuedBy: {},
        lines: linesToIssue(read, range),
      };
    };
    const february = await plan('2063-02');
    const march = await plan('2063-03');
    expect(march.lines).toEqual([expect.objectContaining({ conversionId: c.id, kind: 'late', statedBefore: null })]);
    expect(await issueStatement(env.DB, february)).toBe(true);
    expect(await issueStatement(env.DB, march)).toBe(false);
    // And a second statement of a month already stated is never made, whatever it would state.
    const other = await insertConversion(p.id, '2063-01-11T09:00:00Z', { commissionMinor: 300 });
    const again = await plan('2063-02');
    expect(again.lines).toEqual([expect.objectContaining({ conversionId: other.id })]);
    expect(await issueStatement(env.DB, again)).toBe(false);
    expect((await ledger()).conversions.find((r) => r.id === other.id)?.statedCommissionMinor).toBeNull();
    const { statements: all, lines, counters } = await ledger();
    expect(all.filter((s) => s.partnerId === p.id).map((s) => [s.month, s.number])).toEqual([
      ['2063-02', 'REL-2063-0001'],
    ]);
    expect(counters.find((n) => n.year === 2063)?.last).toBe(1);
    expect(lines.filter((l) => l.conversionId === c.id)).toHaveLength(1);
  });

  it('bill no conversion at the figure it had before a reversal that landed since it was read', async () => {
    const p = await createPartner();
    const c = await insertConversion(p.id, '2064-01-10T09:00:00Z', { commissionMinor: 800 });
    const range = monthRangeIn('2064-01', 'UTC');
    const read = await statementCandidates(dbOf(env), { partnerId: p.id, currency: 'EUR', endMs: range.endMs });
    const january: StatementToIssue = {
      id: newStatementId(),
      partnerId: p.id,
      month: '2064-01',
      currency: 'EUR',
      year: 2064,
      issuedAtMs: Date.parse('2064-02-01T00:05:00Z'),
      paymentTermsMs: 30 * 86_400_000,
      vatRateBp: 2_000,
      billedTo: {},
      issuedBy: {},
      lines: linesToIssue(read, range),
    };
    expect(january.lines).toEqual([expect.objectContaining({ conversionId: c.id, commissionMinor: 800 })]);
    await api('PATCH', `/api/v1/conversions/${c.id}`, { body: { status: 'reversed' }, expect: 200 });

    expect(await issueStatement(env.DB, january)).toBe(false);
    expect(await dbOf(env).select().from(statementLines).where(eq(statementLines.conversionId, c.id))).toEqual([]);
  });
});
