import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { insertFetchedRates } from '../../src/db/exchange-rates';
import { createKey, createPartner } from '../support/builders';
import { api } from '../support/http';

let day = 0;
/** A date no other test of this file posts rates for. */
const freshDate = () => `2029-01-${String(++day).padStart(2, '0')}`;

const post = (body: unknown, key?: string) => api('POST', '/api/v1/exchange-rates', { body, key });

describe('POST /api/v1/exchange-rates', () => {
  it("stores a day's rates and answers them as stored", async () => {
    const date = freshDate();
    const res = await post({ date, base: 'EUR', rates: { USD: 1.0856, GBP: 0.8523, JPY: 162.47 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      date,
      base: 'EUR',
      rates: { GBP: 0.8523, JPY: 162.47, USD: 1.0856 },
      sources: { GBP: 'api', JPY: 'api', USD: 'api' },
    });
    const rows = await env.DB.prepare('SELECT quote, rate, source FROM exchange_rates WHERE date = ? ORDER BY quote')
      .bind(date)
      .all();
    expect(rows.results).toEqual([
      { quote: 'GBP', rate: '0.8523', source: 'api' },
      { quote: 'JPY', rate: '162.47', source: 'api' },
      { quote: 'USD', rate: '1.0856', source: 'api' },
    ]);
  });

  it('replaces the codes posted again, the ECB’s included, and keeps the others', async () => {
    const date = freshDate();
    await insertFetchedRates(env.DB, 'EUR', 'ecb', [
      [date, 'USD', '1.0801'],
      [date, 'CHF', '0.9402'],
    ]);
    await post({ date, base: 'EUR', rates: { GBP: 0.85 } });
    const res = await post({ date, base: 'EUR', rates: { USD: 1.09, GBP: 0.86 } });
    expect(res.body).toEqual({
      date,
      base: 'EUR',
      rates: { CHF: 0.9402, GBP: 0.86, USD: 1.09 },
      sources: { CHF: 'ecb', GBP: 'api', USD: 'api' },
    });
  });

  it('keeps rates against another base apart', async () => {
    const date = freshDate();
    await post({ date, base: 'EUR', rates: { USD: 1.08 } });
    const res = await post({ date, base: 'USD', rates: { EUR: 0.93, CAD: 1.36 } });
    expect(res.body).toEqual({
      date,
      base: 'USD',
      rates: { CAD: 1.36, EUR: 0.93 },
      sources: { CAD: 'api', EUR: 'api' },
    });
    expect((await api('GET', `/api/v1/exchange-rates?date=${date}`)).body.rates).toEqual({ USD: 1.08 });
  });

  it.each([
    ['a date that does not exist', { date: '2029-02-30', base: 'EUR', rates: { USD: 1.08 } }, ['date']],
    ['a date in another format', { date: '30/01/2029', base: 'EUR', rates: { USD: 1.08 } }, ['date']],
    ['a base that is not ISO 4217', { date: '2029-01-30', base: 'EURO', rates: { USD: 1.08 } }, ['base']],
    ['a code in lower case', { date: '2029-01-30', base: 'EUR', rates: { usd: 1.08 } }, ['rates', 'usd']],
    ['a code no longer in use', { date: '2029-01-30', base: 'EUR', rates: { FRF: 6.55957 } }, ['rates', 'FRF']],
    ['the base among the rates', { date: '2029-01-30', base: 'EUR', rates: { EUR: 1, USD: 1.08 } }, ['rates', 'EUR']],
    ['a rate of zero', { date: '2029-01-30', base: 'EUR', rates: { USD: 0 } }, ['rates', 'USD']],
    ['a negative rate', { date: '2029-01-30', base: 'EUR', rates: { USD: -1.08 } }, ['rates', 'USD']],
    ['a rate given as text', { date: '2029-01-30', base: 'EUR', rates: { USD: '1.08' } }, ['rates', 'USD']],
    ['a rate with binary noise', { date: '2029-01-30', base: 'EUR', rates: { USD: 0.1 + 0.2 } }, ['rates', 'USD']],
    ['no rate at all', { date: '2029-01-30', base: 'EUR', rates: {} }, ['rates']],
    ['an unknown field', { date: '2029-01-30', base: 'EUR', rates: { USD: 1.08 }, source: 'ecb' }, []],
  ])('refuses %s with 400 invalid_request naming the field', async (_, body, path) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', message: 'The request body is not valid.' });
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM exchange_rates WHERE date = '2029-01-30'").first())?.n,
    ).toBe(0);
  });

  it('refuses more than 200 codes with one issue, whatever they are', async () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`C${i}`, 1.5]));
    const res = await post({ date: freshDate(), base: 'EUR', rates: many });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: ['rates'], message: 'must quote at most 200 currencies', code: 'custom' },
    ]);
  });

  it('refuses a partner key with 403, before reading the body', async () => {
    const partner = await createPartner();
    const { key } = await createKey('partner', partner.id);
    const date = freshDate();
    const res = await post({ date, base: 'EUR', rates: { USD: 1.08 } }, key);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await post('not json at all', key)).status).toBe(403);
    expect(
      (await env.DB.prepare('SELECT count(*) AS n FROM exchange_rates WHERE date = ?').bind(date).first())?.n,
    ).toBe(0);
  });
});

describe('GET /api/v1/exchange-rates', () => {
  it("answers the day's rates against EUR, or the base asked for, to any key", async () => {
    const date = freshDate();
    await post({ date, base: 'EUR', rates: { USD: 1.08 } });
    await post({ date, base: 'CHF', rates: { EUR: 1.06 } });
    const partner = await createPartner();
    const { key } = await createKey('partner', partner.id);
    const eur = await api('GET', `/api/v1/exchange-rates?date=${date}`, { key, expect: 200 });
    expect(eur.body).toEqual({ date, base: 'EUR', rates: { USD: 1.08 }, sources: { USD: 'api' } });
    const chf = await api('GET', `/api/v1/exchange-rates?date=${date}&base=CHF`, { expect: 200 });
    expect(chf.body).toEqual({ date, base: 'CHF', rates: { EUR: 1.06 }, sources: { EUR: 'api' } });
  });

  it('answers 404 for a day without rates against that base', async () => {
    const date = freshDate();
    const res = await api('GET', `/api/v1/exchange-rates?date=${date}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'not_found',
      message: `No exchange rates against EUR are stored for ${date}.`,
      details: { date, base: 'EUR' },
    });
    await post({ date, base: 'EUR', rates: { USD: 1.08 } });
    expect((await api('GET', `/api/v1/exchange-rates?date=${date}&base=USD`)).status).toBe(404);
  });

  it('refuses a missing or impossible date with 400', async () => {
    for (const query of ['', '?date=2029-13-01', '?date=2029-01-01&base=eur']) {
      const res = await api('GET', `/api/v1/exchange-rates${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('invalid_request');
    }
  });
});
