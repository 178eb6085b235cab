// The console's overview: exact figures against the previous period, today live, hours for short
// ranges, bot clicks on request, and a partner's user sees its own partner only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLink, createPartner } from '../support/builders';
import { page, signedIn } from '../support/console';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertClick, insertConversion } from '../support/rows';

/** Today is 12 March 2026 (UTC days in this project), 10:30. */
const NOW = Date.parse('2026-03-12T10:30:00Z');

// Every partner's figures are on an admin's overview: each test starts from an empty programme.
beforeEach(async () => {
  await freshStorage();
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

const rebuild = (date: string, partnerId: string) =>
  api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId }, expect: 200 });

/** A key figure's tile: its value and how it changed, as written on the page. */
function tile(html: string, label: string): { value: string; change: string } | null {
  const found = new RegExp(
    `<li><span class="label">${label}</span><span class="value">([^<]*)</span><span class="muted">([^<]*)</span></li>`,
  ).exec(html);
  return found ? { value: found[1] ?? '', change: found[2] ?? '' } : null;
}

/** The rows of the table captioned `caption`: each row's header and cells, as text. */
function tableRows(html: string, caption: string): string[][] {
  const start = html.search(new RegExp(`<caption[^>]*>${caption}</caption>`));
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => (cell[1] ?? '').replace(/<[^>]+>/g, '')),
  );
}

/**
 * Autodoc's week: 2 clicks and a 50.00 sale (4.00 commission) in the week before, 1 click on
 * Tuesday, and today 2 clicks, a bot's click and a 120.00 sale (9.60), read live.
 */
async function autodocWeek() {
  const partner = await createPartner({ name: 'Autodoc' });
  const link = await createLink(partner.id, { slug: 'autodoc-freins' });
  await insertClick(link, '2026-03-04T09:00:00Z');
  await insertClick(link, '2026-03-04T10:00:00Z');
  await insertConversion(partner.id, '2026-03-04T11:00:00Z', { amountMinor: 5_000, commissionMinor: 400 });
  await insertClick(link, '2026-03-10T09:00:00Z');
  for (const date of ['2026-03-04', '2026-03-10', '2026-03-11']) await rebuild(date, partner.id);
  const click = await insertClick(link, '2026-03-12T08:05:00Z');
  await insertClick(link, '2026-03-12T08:20:00Z');
  await insertClick(link, '2026-03-12T09:40:00Z', { isBot: true });
  await insertConversion(partner.id, '2026-03-12T09:00:00Z', { click, amountMinor: 12_000, commissionMinor: 960 });
  return { partner, link };
}

const WEEK = '/console?from=2026-03-06&to=2026-03-12';

describe('GET /console', () => {
  it('shows the figures of the range against the 7 days before, in the languages of the person', async () => {
    await autodocWeek();
    const admin = await signedIn({ role: 'admin' });

    const html = await page(admin, WEEK);

    expect(html).toContain('6 Mar 2026 – 12 Mar 2026 (7 days), compared with 27 Feb 2026 – 5 Mar 2026.');
    expect(tile(html, 'Clicks')).toEqual({ value: '3', change: '+50% · previously 2' });
    expect(tile(html, 'Unique clicks')).toEqual({ value: '3', change: '+50% · previously 2' });
    expect(tile(html, 'Conversions')).toEqual({ value: '1', change: '0% · previously 1' });
    expect(tile(html, 'Revenue')).toEqual({ value: '€120.00', change: '+140% · previously €50.00' });
    expect(tile(html, 'Commission')).toEqual({ value: '€9.60', change: '+140% · previously €4.00' });
    expect(tile(html, 'Bot clicks')).toBeNull();
    expect(tableRows(html, 'Clicks per day')).toEqual([
      ['6 Mar 2026', '0', '0'],
      ['7 Mar 2026', '0', '0'],
      ['8 Mar 2026', '0', '0'],
      ['9 Mar 2026', '0', '0'],
      ['10 Mar 2026', '1', '1'],
      ['11 Mar 2026', '0', '0'],
      ['12 Mar 2026', '2', '2'],
    ]);
    expect(tableRows(html, 'Top partners')).toEqual([['Autodoc', '3', '1', '€9.60']]);
    expect(tableRows(html, 'Top links')).toEqual([['autodoc-freins', '3', '1', '€9.60']]);
    expect(html.match(/<svg[^>]*role="img"/g)).toHaveLength(4);

    const fr = await page(admin, WEEK, 200, { lang: 'fr-FR' });
    expect(tile(fr, 'Chiffre d&#39;affaires')).toEqual({
      value: '120,00\u00a0€',
      change: '+140\u00a0% · avant : 50,00\u00a0€',
    });
  });

  it("counts today's clicks as soon as they are recorded", async () => {
    const { link } = await autodocWeek();
    const admin = await signedIn({ role: 'admin' });
    expect(tile(await page(admin, WEEK), 'Clicks')?.value).toBe('3');
    await insertClick(link, '2026-03-12T10:29:00Z');
    expect(tile(await page(admin, WEEK), 'Clicks')?.value).toBe('4');
  });

  it('draws 48 hours or less hour by hour', async () => {
    await autodocWeek();
    const admin = await signedIn({ role: 'admin' });

    const html = await page(admin, '/console?from=2026-03-12&to=2026-03-12');

    const hours = tableRows(html, 'Clicks per hour');
    expect(hours).toHaveLength(24);
    expect(hours[0]?.[0]).toBe('00:00');
    expect(hours.filter((row) => row[1] !== '0')).toEqual([['08:00', '2', '2']]);
    expect(tableRows(html, 'Conversions per hour').filter((row) => row[1] !== '0')).toEqual([['09:00', '1']]);
    expect(tile(html, 'Clicks')).toEqual({ value: '2', change: '— · previously 0' });
  });

  it('leaves bot clicks out until they are asked for', async () => {
    await autodocWeek();
    const admin = await signedIn({ role: 'admin' });

    const people = await page(admin, WEEK);
    expect(people).toContain('<input type="checkbox" id="bots" name="bots" value="1"/>');

    const everyone = await page(admin, `${WEEK}&bots=1`);
    expect(everyone).toContain('<input type="checkbox" id="bots" name="bots" value="1" checked=""/>');
    expect(tile(everyone, 'Clicks')).toEqual({ value: '4', change: '+100% · previously 2' });
    expect(tile(everyone, 'Bot clicks')).toEqual({ value: '1', change: '— · previously 0' });
    expect(tile(everyone, 'Unique clicks')?.value).toBe('3');
    expect(tableRows(everyone, 'Clicks per day').at(-1)).toEqual(['12 Mar 2026', '3', '2', '1']);
  });

  it('offers quick ranges that keep the other filters', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console?bots=1');
    expect(html).toContain('<a href="/console?bots=1&amp;from=2026-03-12&amp;to=2026-03-12">Today</a>');
    expect(html).toContain('<a href="/console?bots=1&amp;from=2026-03-06&amp;to=2026-03-12">Last 7 days</a>');
    // Without dates, the last 30 days.
    expect(html).toContain(
      '<a href="/console?bots=1&amp;from=2026-02-11&amp;to=2026-03-12" aria-current="true">Last 30 days</a>',
    );
    expect(html).toContain('<a href="/console?bots=1&amp;from=2025-12-13&amp;to=2026-03-12">Last 90 days</a>');
    expect(html).toContain('id="from" name="from" value="2026-02-11" max="2026-03-12"');
  });

  it('keeps refused dates in the form, with why, and answers 400', async () => {
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin, '/console?from=2026-03-20&to=2026-03-10', 400);
    expect(html).toContain('value="2026-03-20"');
    expect(html).toContain('<p class="hint bad" id="from-error">The first day must not be after the last.</p>');
    expect(tile(html, 'Clicks')).toBeNull();
  });
});

describe('GET /console as a partner user', () => {
  it("shows its own partner's figures and never another partner's name or figures", async () => {
    const { partner } = await autodocWeek();
    const other = await createPartner({ name: 'Norauto' });
    const otherLink = await createLink(other.id, { slug: 'norauto-pneus' });
    for (let i = 0; i < 5; i++) await insertClick(otherLink, `2026-03-12T08:0${i}:00Z`);
    await insertConversion(other.id, '2026-03-12T09:00:00Z', { amountMinor: 77_700, commissionMinor: 7_770 });
    const autodoc = await signedIn({ role: 'partner', partnerId: partner.id });

    const html = await page(autodoc, WEEK);

    expect(tile(html, 'Clicks')?.value).toBe('3');
    expect(tile(html, 'Commission')?.value).toBe('€9.60');
    expect(html).toContain('Figures of Autodoc');
    expect(tableRows(html, 'Top links')).toEqual([['autodoc-freins', '3', '1', '€9.60']]);
    expect(tableRows(html, 'Top partners')).toEqual([]);
    for (const secret of ['Norauto', other.id, 'norauto-pneus', '€777.00', '€77.70'])
      expect(html).not.toContain(secret);
    expect(html).not.toContain('id="partner"');

    // Naming another partner in the URL does not reach it.
    await page(autodoc, `/console?partner=${other.id}`, 404);
    expect(tile(await page(autodoc, `/console?partner=${partner.id}&from=2026-03-06`), 'Clicks')?.value).toBe('3');
  });

  it('lets an admin narrow the figures to one partner, and names every partner', async () => {
    await autodocWeek();
    const other = await createPartner({ name: 'Norauto' });
    await insertClick(await createLink(other.id), '2026-03-12T08:00:00Z');
    const admin = await signedIn({ role: 'admin' });

    const all = await page(admin, WEEK);
    expect(tableRows(all, 'Top partners').map((row) => row[0])).toEqual(['Autodoc', 'Norauto']);
    expect(all).toContain(`<option value="${other.id}">Norauto</option>`);

    const one = await page(admin, `${WEEK}&partner=${other.id}`);
    expect(tile(one, 'Clicks')?.value).toBe('1');
    expect(one).toContain(`<option value="${other.id}" selected="">Norauto</option>`);
    expect(tableRows(one, 'Top partners')).toEqual([]);
    expect(one).not.toContain('autodoc-freins');
    await page(admin, '/console?partner=ptn_missing', 404);
  });
});
