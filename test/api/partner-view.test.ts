// What a partner key sees: its own partner's data through every read endpoint, nothing of another partner, and no writes.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAnomalies } from '../../src/db/anomalies';
import { dbOf } from '../../src/db/client';
import { deliveries, linkChecks } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { createKey, createLink, createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

const DAY = '2026-03-10';

/** One partner's data of every kind, with the ids a leak would show. */
async function partnerWithData(name: string) {
  const partner = await createPartner({ name, webhookUrl: 'https://hooks.partner.test/relais' });
  const link = await createLink(partner.id, { placement: `${name}-placement` });
  const coupon = (
    await api('POST', '/api/v1/coupons', { body: { partnerId: partner.id, code: `${name}10` }, expect: 201 })
  ).body;
  const referral = (
    await api('POST', '/api/v1/referral-codes', {
      body: { partnerId: partner.id, userRef: `${name}-user` },
      expect: 201,
    })
  ).body;
  const click = await insertClick(link, `${DAY}T08:00:00Z`, { sub1: `${name}-sub` });
  const conversion = await insertConversion(partner.id, `${DAY}T08:00:01Z`, { click });
  await api('POST', '/api/v1/reports/daily/rebuild', { body: { date: DAY, partnerId: partner.id }, expect: 200 });
  const deliveryId = newId('dlv');
  await dbOf(env)
    .insert(deliveries)
    .values({
      id: deliveryId,
      partnerId: partner.id,
      date: DAY,
      webhookId: `msg_daily_${DAY}_${partner.id}`,
      url: 'https://hooks.partner.test/relais',
      status: 'delivered',
    });
  const anomalyId = newId('anm');
  await recordAnomalies(dbOf(env), [
    {
      id: anomalyId,
      partnerId: partner.id,
      kind: 'fast_conversion',
      subjectId: conversion.id,
      conversionId: conversion.id,
      clickId: click.id,
      details: {},
    },
  ]);
  const report = (
    await api('POST', `/api/v1/partners/${partner.id}/reports`, {
      body: `transactionId,amount\n${conversion.transactionId},1.00\n`,
      headers: { 'content-type': 'text/csv' },
      expect: 201,
    })
  ).body;
  await dbOf(env)
    .insert(linkChecks)
    .values({ linkId: link.id, date: DAY, partnerId: partner.id, status: 'ok', hops: 0 });
  const statement = (
    await api('POST', '/api/v1/statements/run', {
      body: { month: DAY.slice(0, 7), partnerId: partner.id },
      expect: 200,
    })
  ).body.data[0];
  return {
    partner,
    link,
    coupon,
    referral,
    click,
    conversion,
    deliveryId,
    anomalyId,
    reportId: report.id as string,
    statementId: statement.id as string,
    /** Strings that must never reach another partner's key. */
    secrets: [
      partner.id,
      link.id,
      link.slug,
      coupon.id,
      referral.id,
      referral.code,
      click.id,
      conversion.id,
      deliveryId,
      anomalyId,
      report.id,
      statement.id,
      statement.number,
    ],
  };
}

type Data = Awaited<ReturnType<typeof partnerWithData>>;
let own: Data;
let other: Data;
let key: string;

beforeAll(async () => {
  // Exchange rates belong to no partner: every key reads them.
  await api('POST', '/api/v1/exchange-rates', { body: { date: DAY, base: 'EUR', rates: { USD: 1.08 } }, expect: 200 });
  own = await partnerWithData('own');
  other = await partnerWithData('other');
  key = (await createKey('partner', own.partner.id)).key;
});

const read = (path: string) => api('GET', path, { key });
const range = `from=${DAY}&to=${DAY}`;

/** Fails when anything of the other partner shows in a body. */
function expectNoLeak(body: unknown) {
  const text = JSON.stringify(body);
  for (const s of other.secrets) expect(text, `leaks ${s}`).not.toContain(s);
}

async function expectOnlyOwn(path: string) {
  const res = await read(path);
  expect(res.status, path).toBe(200);
  expect(res.body.data.length, path).toBeGreaterThan(0);
  for (const row of res.body.data) expect(row.partnerId ?? row.id, path).toBe(own.partner.id);
  expectNoLeak(res.body);
}

describe('partner key, endpoint by endpoint', () => {
  it('partners: only its own', async () => {
    await expectOnlyOwn('/api/v1/partners');
    expect((await read(`/api/v1/partners/${own.partner.id}`)).status).toBe(200);
    expect((await read(`/api/v1/partners/${other.partner.id}`)).status).toBe(404);
  });

  it('links: only its own', async () => {
    await expectOnlyOwn('/api/v1/links');
    expect((await read(`/api/v1/links?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/links/${own.link.id}`)).status).toBe(200);
    expect((await read(`/api/v1/links/${other.link.id}`)).status).toBe(404);
  });

  it('coupons and referral codes: only its own', async () => {
    await expectOnlyOwn('/api/v1/coupons');
    await expectOnlyOwn('/api/v1/referral-codes');
    expect((await read(`/api/v1/coupons?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/referral-codes?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/referral-codes/${other.referral.id}`)).status).toBe(404);
  });

  it('daily reports: only its own', async () => {
    await expectOnlyOwn(`/api/v1/reports/daily?${range}`);
    await expectOnlyOwn(`/api/v1/reports/daily?${range}&by=link`);
    expect((await read(`/api/v1/reports/daily?${range}&partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/reports/daily?${range}&linkId=${other.link.id}`)).status).toBe(404);
    const csv = await call('GET', `/api/v1/reports/daily?${range}&format=csv`, { key });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain(own.partner.id);
    expect(text).not.toContain(other.partner.id);
  });

  it('breakdowns and time to conversion: only its own', async () => {
    await expectOnlyOwn(`/api/v1/reports/breakdown?${range}&dimension=sub1`);
    expect(
      (await read(`/api/v1/reports/breakdown?${range}&dimension=sub1`)).body.data.map(
        (r: { value: string }) => r.value,
      ),
    ).toEqual(['own-sub']);
    expect((await read(`/api/v1/reports/breakdown?${range}&dimension=sub1&partnerId=${other.partner.id}`)).status).toBe(
      404,
    );
    const ttc = await read(`/api/v1/reports/time-to-conversion?${range}`);
    expect(ttc.body.data.reduce((n: number, b: { conversions: number }) => n + b.conversions, 0)).toBe(1);
    expect((await read(`/api/v1/reports/time-to-conversion?${range}&partnerId=${other.partner.id}`)).status).toBe(404);
  });

  it('deliveries: only its own', async () => {
    await expectOnlyOwn('/api/v1/deliveries');
    expect((await read(`/api/v1/deliveries?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/deliveries/${own.deliveryId}`)).status).toBe(200);
    expect((await read(`/api/v1/deliveries/${other.deliveryId}`)).status).toBe(404);
  });

  it('anomalies: only its own', async () => {
    await expectOnlyOwn('/api/v1/anomalies');
    expect((await read(`/api/v1/anomalies?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/anomalies/${own.anomalyId}`)).status).toBe(200);
    expect((await read(`/api/v1/anomalies/${other.anomalyId}`)).status).toBe(404);
  });

  it('partner reports: only its own', async () => {
    await expectOnlyOwn('/api/v1/partner-reports');
    expect((await read(`/api/v1/partner-reports?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/partner-reports/${own.reportId}`)).status).toBe(200);
    expect((await read(`/api/v1/partner-reports/${other.reportId}`)).status).toBe(404);
  });

  it('link health: only its own', async () => {
    await expectOnlyOwn('/api/v1/link-health');
    expect((await read(`/api/v1/link-health?partnerId=${other.partner.id}`)).status).toBe(404);
    const filtered = await read(`/api/v1/link-health?linkId=${other.link.id}`);
    expect(filtered.body.data).toEqual([]);
    expect((await read(`/api/v1/links/${own.link.id}/health`)).body.data).toHaveLength(1);
    expect((await read(`/api/v1/links/${other.link.id}/health`)).status).toBe(404);
  });

  it('statements: only its own', async () => {
    await expectOnlyOwn('/api/v1/statements');
    expect((await read(`/api/v1/statements?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/statements/${own.statementId}`)).status).toBe(200);
    expect((await read(`/api/v1/statements/${other.statementId}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/statements/${other.statementId}.csv`, { key })).status).toBe(404);
  });

  it('conversions: only its own', async () => {
    await expectOnlyOwn('/api/v1/conversions');
    expect((await read(`/api/v1/conversions?partnerId=${other.partner.id}`)).status).toBe(404);
    expect((await read(`/api/v1/conversions/${other.conversion.id}`)).status).toBe(404);
  });
});

/** The other partner's id for a path's resource, by the path's first segment. */
function otherIdFor(path: string): string | undefined {
  const resource = path.replace('/api/v1/', '').split('/')[0] as string;
  const ids: Record<string, string> = {
    partners: other.partner.id,
    links: other.link.id,
    coupons: other.coupon.id,
    'referral-codes': other.referral.id,
    clicks: other.click.id,
    conversions: other.conversion.id,
    deliveries: other.deliveryId,
    anomalies: other.anomalyId,
    'partner-reports': other.reportId,
    statements: other.statementId,
    keys: newId('key'),
  };
  return ids[resource];
}

/** Values for required query parameters, and a range that holds the test data. */
const QUERY_VALUES: Record<string, string> = { dimension: 'source', from: DAY, to: DAY, type: 'lead', date: DAY };

type Operation = { parameters?: { name: string; in: string; required?: boolean }[] };

async function operations() {
  const doc = (await api('GET', '/api/v1/openapi.json', { expect: 200 })).body as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/') && !path.endsWith('/openapi.json'))
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
}

function queryOf(op: Operation): string {
  const params = (op.parameters ?? []).filter((p) => p.in === 'query' && (p.required || p.name in QUERY_VALUES));
  const q = params.filter((p) => QUERY_VALUES[p.name]).map((p) => `${p.name}=${QUERY_VALUES[p.name]}`);
  return q.length ? `?${q.join('&')}` : '';
}

describe('partner key, every route of the OpenAPI document', () => {
  it('never shows another partner through a list', async () => {
    for (const { path, method, op } of await operations()) {
      if (method !== 'GET' || path.includes('{')) continue;
      const res = await read(`${path}${queryOf(op)}`);
      expect([200, 403], `GET ${path} answered ${res.status}`).toContain(res.status);
      expectNoLeak(res.body);
      if ((op.parameters ?? []).some((p) => p.name === 'partnerId')) {
        const sep = queryOf(op) ? '&' : '?';
        const asked = await read(`${path}${queryOf(op)}${sep}partnerId=${other.partner.id}`);
        expect([403, 404], `GET ${path}?partnerId=<other> answered ${asked.status}`).toContain(asked.status);
      }
    }
  });

  it("answers 404 for another partner's resources", async () => {
    for (const { path, method, op } of await operations()) {
      if (method !== 'GET' || !path.includes('{id}')) continue;
      const id = otherIdFor(path);
      expect(id, `no fixture of another partner for GET ${path}: add one to otherIdFor`).toEqual(expect.any(String));
      const res = await read(`${path.replace('{id}', id as string)}${queryOf(op)}`);
      expect([403, 404], `GET ${path} answered ${res.status}`).toContain(res.status);
      expectNoLeak(res.body);
    }
  });

  it('can write nothing, not even its own data', async () => {
    const ownIds: Record<string, string> = {
      partners: own.partner.id,
      links: own.link.id,
      coupons: own.coupon.id,
      'referral-codes': own.referral.id,
      conversions: own.conversion.id,
      deliveries: own.deliveryId,
      anomalies: own.anomalyId,
      statements: own.statementId,
    };
    for (const { path, method } of await operations()) {
      if (method === 'GET') continue;
      const resource = path.replace('/api/v1/', '').split('/')[0] as string;
      const url = path.replace(/\{[^}]+\}/g, ownIds[resource] ?? own.partner.id);
      const res = await call(method, url, { key, body: {} });
      expect(res.status, `${method} ${path} answered ${res.status}`).toBe(403);
    }
  });
});
