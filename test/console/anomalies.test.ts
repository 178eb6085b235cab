// The console's anomalies: an admin's list of flags, filtered, resolved and reopened; nothing for a partner's user.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { getAnomaly, recordAnomalies } from '../../src/db/anomalies';
import { dbOf } from '../../src/db/client';
import { newId } from '../../src/domain/ids';
import { createPartner, uniqueSlug } from '../support/builders';
import { page, signedIn, submit } from '../support/console';

const newPartner = () => createPartner({ name: `Partner ${uniqueSlug('p')}` });

async function flag(partnerId: string, kind: string, details: Record<string, unknown>) {
  const id = newId('anm');
  const conversionId = newId('cnv');
  await recordAnomalies(dbOf(env), [
    { id, partnerId, kind, subjectId: conversionId, conversionId, clickId: null, details },
  ]);
  return { id, conversionId };
}

/** The anomalies a page offers to resolve or reopen, in the order shown. */
const listedIds = (html: string) =>
  [...html.matchAll(/action="\/console\/anomalies\/(anm_\w+)\/(?:resolve|reopen)"/g)].map((match) => match[1]);

describe('GET /console/anomalies', () => {
  it('lists flags newest first, each said in a sentence, filtered by partner, kind and state', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const fast = await flag(p.id, 'fast_conversion', { clickToConversionMs: 1_200, thresholdMs: 5_000 });
    const outlier = await flag(p.id, 'amount_outlier', { amountMinor: 500_000, medianMinor: 4_000, factor: 10 });
    const html = await page(admin, `/console/anomalies?partnerId=${p.id}`);
    expect(listedIds(html)).toEqual([outlier.id, fast.id]);
    expect(html).toContain(
      `<th scope="row">Conversion too fast</th><td>${p.name}</td><td><a href="/console/conversions/${fast.conversionId}">Conversion</a></td><td>Converted 1 s after its click (less than 5 s).</td><td><span class="badge bad">Open</span></td>`,
    );
    expect(html).toContain('<td>An amount 125 times the partner’s median sale.</td>');
    expect(listedIds(await page(admin, `/console/anomalies?partnerId=${p.id}&kind=amount_outlier`))).toEqual([
      outlier.id,
    ]);
    expect(listedIds(await page(admin, `/console/anomalies?partnerId=${p.id}&state=resolved`))).toEqual([]);
    expect(await page(admin, '/console/anomalies?kind=odd', 400)).toContain(
      '<p class="hint bad" id="kind-error">Choose one of the listed values.</p>',
    );
  });
});

describe('resolving an anomaly', () => {
  it('resolves it after a confirmation, back on the list as filtered, and opens it again', async () => {
    const admin = await signedIn({ role: 'admin' });
    const p = await newPartner();
    const { id } = await flag(p.id, 'bot_click', { clickId: 'CLICK1' });
    const back = `/console/anomalies?partnerId=${p.id}&state=open`;
    const list = await page(admin, back);
    expect(list).toContain(
      `<form method="post" action="/console/anomalies/${id}/resolve" data-confirm="Mark this anomaly resolved?">`,
    );
    const res = await submit(admin, `/console/anomalies/${id}/resolve`, { back });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${back}&done=resolved`);
    expect((await getAnomaly(dbOf(env), id))?.resolvedAt).toBeInstanceOf(Date);
    const after = await page(admin, `${back}&done=resolved`);
    expect(after).toContain('<p class="notice" role="status">The anomaly is resolved.</p>');
    expect(listedIds(after)).toEqual([]);
    const resolved = await page(admin, `/console/anomalies?partnerId=${p.id}&state=resolved`);
    expect(resolved).toContain('<td>Its click CLICK1 was made by a bot.</td>');
    const reopened = await submit(admin, `/console/anomalies/${id}/reopen`, { back: 'https://evil.example/' });
    expect(reopened.headers.get('location')).toBe('/console/anomalies?done=reopened');
    expect((await getAnomaly(dbOf(env), id))?.resolvedAt).toBeNull();
  });

  it('answers 404 for an unknown anomaly', async () => {
    const admin = await signedIn({ role: 'admin' });
    expect((await submit(admin, '/console/anomalies/anm_nope/resolve')).status).toBe(404);
  });
});

describe('a partner’s user', () => {
  it('finds no anomalies page and cannot resolve its own partner’s flags', async () => {
    const p = await newPartner();
    const user = await signedIn({ role: 'partner', partnerId: p.id });
    const { id } = await flag(p.id, 'fast_conversion', { clickToConversionMs: 800 });
    await page(user, '/console/anomalies', 404);
    await page(user, `/console/anomalies?partnerId=${p.id}`, 404);
    expect((await submit(user, `/console/anomalies/${id}/resolve`)).status).toBe(404);
    expect((await getAnomaly(dbOf(env), id))?.resolvedAt).toBeNull();
  });
});
