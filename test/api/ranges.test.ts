// Every report, export and list that takes a date range refuses one longer than a year (and a day).
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { api, call } from '../support/http';

/** Asserts the contract's 400 naming the field at fault. */
function expectRefused(res: { status: number; body: { error: { code: string; details: unknown } } }, field: string) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details).toEqual([expect.objectContaining({ path: [field] })]);
}

const TOO_LONG = 'from=2025-01-01&to=2026-01-02';
const LONGEST = 'from=2025-01-01&to=2026-01-01';

describe('date ranges are capped at 366 days', () => {
  it.each([
    '/api/v1/reports/daily',
    '/api/v1/reports/daily?format=csv',
    '/api/v1/reports/breakdown?dimension=device',
    '/api/v1/reports/time-to-conversion',
    '/api/v1/reports/orphans',
    '/api/v1/clicks',
    '/api/v1/conversions',
  ])('%s', async (path) => {
    const sep = path.includes('?') ? '&' : '?';
    expectRefused(await api('GET', `${path}${sep}${TOO_LONG}`), 'from');
    expect((await call('GET', `${path}${sep}${LONGEST}`)).status).toBe(200);
  });

  it('counts a list’s range from `from` to now when `to` is absent', async () => {
    const longAgo = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
    expectRefused(await api('GET', `/api/v1/clicks?from=${longAgo}`), 'from');
    expectRefused(await api('GET', `/api/v1/conversions?from=${longAgo}`), 'from');
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await api('GET', `/api/v1/clicks?from=${recent}`)).status).toBe(200);
    // Without `from` a list is walked newest first, a page at a time: nothing to cap.
    expect((await api('GET', '/api/v1/conversions?to=2020-01-01')).status).toBe(200);
  });

  it('refuses a list range that ends before it starts', async () => {
    expectRefused(await api('GET', '/api/v1/clicks?from=2026-02-01&to=2026-01-01'), 'from');
  });

  it('caps the period a partner report is compared over', async () => {
    const partner = await createPartner();
    const res = await call('POST', `/api/v1/partners/${partner.id}/reports?${TOO_LONG}`, {
      body: 'transactionId,amount\nT1,1.00\n',
      headers: { 'content-type': 'text/csv' },
    });
    expectRefused({ status: res.status, body: await res.json() }, 'from');
  });
});
