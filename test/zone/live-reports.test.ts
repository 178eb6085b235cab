// A French programme's overview (REPORT_TIMEZONE Europe/Paris): today and its hours are those of Paris.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { overviewReport } from '../../src/services/live-reports';
import { createLink, createPartner } from '../support/builders';
import { insertClick } from '../support/rows';

describe('overviewReport in Paris', () => {
  it('counts a click after midnight in Paris on the new day, live', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    // 00:30 on 1 December in Paris is still 30 November in UTC.
    await insertClick(link, '2026-11-30T23:30:00Z');
    const now = Date.parse('2026-11-30T23:45:00Z');
    const o = await overviewReport(env, { partnerId: partner.id }, { withBots: false }, now);
    expect(o.period.to).toBe('2026-12-01');
    expect(o.series.points.at(-1)).toMatchObject({ date: '2026-12-01', clicks: 1 });
  });

  it('draws the day the clocks go back in 25 hours, each from its own instant', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    // 02:30 in Paris, the second time round (CET, UTC+1).
    await insertClick(link, '2026-10-25T01:30:00Z');
    const now = Date.parse('2026-10-25T12:00:00Z');
    const o = await overviewReport(
      env,
      { partnerId: partner.id },
      { from: '2026-10-25', to: '2026-10-25', withBots: false },
      now,
    );
    if (o.series.step !== 'hour') throw new Error('expected hours');
    expect(o.series.points).toHaveLength(25);
    expect(o.series.points[0]?.startMs).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(o.series.points.findIndex((p) => p.clicks === 1)).toBe(3);
    expect(o.current.clicks).toBe(1);
  });
});
