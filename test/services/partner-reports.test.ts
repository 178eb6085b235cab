// Partner report comparisons on behalf of a caller, and their discrepancies read a page at a time.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { compareVisiblePartnerReport, visiblePartnerReport } from '../../src/services/partner-reports';
import { createPartner } from '../support/builders';
import { insertConversion } from '../support/rows';

const admin = { partnerId: null };

/** A report of `count` transactions we do not know, one a line. */
const unknownRows = (count: number) =>
  ['transactionId,amount', ...Array.from({ length: count }, (_, i) => `X-${i + 1},10.00`)].join('\n');

describe('compareVisiblePartnerReport', () => {
  it("compares a partner's report for its own people and for admins", async () => {
    const partner = await createPartner();
    await insertConversion(partner.id, '2026-03-10T09:00:00Z', { transactionId: 'A-1' });
    const csv = async () => 'transactionId,amount\nA-1,100.00\n';
    const own = await compareVisiblePartnerReport(env, { partnerId: partner.id }, partner.id, {}, csv);
    expect(own.report.partnerId).toBe(partner.id);
    expect(own.report.summary).toMatchObject({ theirRows: 1, matched: 1 });
    const byAdmin = await compareVisiblePartnerReport(env, admin, partner.id, {}, csv);
    expect(byAdmin.report.summary).toMatchObject({ theirRows: 1, matched: 1 });
  });

  it("answers 404 to another partner's people, without reading the report", async () => {
    const partner = await createPartner();
    const other = await createPartner({ name: 'Norauto' });
    let isRead = false;
    const csv = async () => {
      isRead = true;
      return 'transactionId\nA-1\n';
    };
    await expect(compareVisiblePartnerReport(env, { partnerId: other.id }, partner.id, {}, csv)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(isRead).toBe(false);
  });
});

describe('visiblePartnerReport with a page', () => {
  it('reads the discrepancies in the order found, a page at a time, one more than asked', async () => {
    const partner = await createPartner();
    const { report } = await compareVisiblePartnerReport(env, admin, partner.id, {}, async () => unknownRows(5));
    const first = await visiblePartnerReport(env, admin, report.id, undefined, { limit: 2 });
    expect(first.discrepancies.map((d) => d.transactionId)).toEqual(['X-1', 'X-2', 'X-3']);
    const after = first.discrepancies[1]?.id;
    const second = await visiblePartnerReport(env, admin, report.id, 'missing_here', { limit: 2, after });
    expect(second.discrepancies.map((d) => d.transactionId)).toEqual(['X-3', 'X-4', 'X-5']);
    const all = await visiblePartnerReport(env, admin, report.id);
    expect(all.discrepancies).toHaveLength(5);
  });
});
