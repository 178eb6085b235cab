// Demo activity of the demo links: 30 past days of clicks and a few conversions, then those days aggregated.
import { type ClickRow, insertClickRows } from '../db/clicks';
import { dbOf } from '../db/client';
import { type HistoryEntry, insertConversions } from '../db/conversions';
import type { Link, NewConversion, Partner } from '../db/schema';
import { detectBot } from '../domain/bots';
import { dateIn, datesBetween, dayRangeIn, nextDate, timeZoneOf } from '../domain/calendar';
import type { ConversionStatus } from '../domain/conversion-status';
import { DEFAULT_UTM } from '../domain/destination';
import { describeDevice } from '../domain/device';
import { newClickId, newUlid } from '../domain/ids';
import { majorToMinor } from '../domain/money';
import { firstHistoryOf, newConversion } from '../services/record-conversion';
import { aggregatePartnerDays } from '../services/reports';

/** How many past days get activity, yesterday the last. */
export const DEMO_ACTIVITY_DAYS = 30;

const HOUR_MS = 3_600_000;
/** Clicks written per statement: one JSON parameter each, kept well under D1's statement size. */
const CLICKS_PER_STATEMENT = 500;

// Weighted choices: the app's audience is mostly French, on phones, with popular cars.
const PEOPLE = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
];
const COUNTRIES = ['FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'BE', 'CH', 'LU', 'CA'];
const VEHICLES = ['clio-iv', 'clio-iv', '208', '208', 'golf-7', 'clio-v', '308', 'megane-iv', 'c3', 'sandero', '3008'];
/** Sunday first: fewer taps at the weekend, most on Mondays, when the week's car trouble starts. */
const WEEKDAY_FACTOR = [0.45, 1, 0.9, 0.85, 0.85, 0.8, 0.55];

/** A deterministic generator of numbers in [0, 1) from a text (mulberry32 over an FNV-1a hash). */
function randomFrom(seedText: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seedText.length; i++) h = Math.imul(h ^ seedText.charCodeAt(i), 0x01000193);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/**
 * Writes about a month of clicks on each of `links` (their partners in `partners`), up to
 * yesterday in the programme's zone, a few percent of them converted and priced as intake prices
 * them, then rebuilds those days' aggregates. The amounts are the same on every run; the ids and
 * times within a day are not. Idempotence is the caller's: it runs on links without clicks.
 */
export async function seedDemoActivity(
  env: Env,
  links: readonly Link[],
  partners: ReadonlyMap<string, Partner>,
  nowMs: number = Date.now(),
): Promise<{ clicksAdded: number; conversionsAdded: number }> {
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const today = dateIn(nowMs, timeZone);
  const dates = datesBetween(nextDate(today, -DEMO_ACTIVITY_DAYS), nextDate(today, -1));
  const todayStartMs = dayRangeIn(today, timeZone).startMs;
  const clickRows: ClickRow[] = [];
  const sales: { row: NewConversion & { id: string }; history: HistoryEntry }[] = [];
  const partnerDays = new Map<string, Set<string>>();

  for (const link of links) {
    const partner = partners.get(link.partnerId);
    if (!partner) continue;
    const days = partnerDays.get(partner.id) ?? new Set<string>();
    partnerDays.set(partner.id, days);
    const categories = partner.commissionRules.flatMap((r) => (r.category ? [r.category] : []));
    const visitors: string[] = [];
    for (const date of dates) {
      const random = randomFrom(`${link.slug}/${date}`);
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      const count = Math.round(15 + 65 * (0.75 * (WEEKDAY_FACTOR[weekday] ?? 1) + 0.25 * random()));
      const { startMs, endMs } = dayRangeIn(date, timeZone);
      const times = Array.from({ length: count }, () => {
        // Mostly between 7 a.m. and 11 p.m.
        const hours = random() < 0.92 ? 7 + random() * 16 : random() * 24;
        return Math.min(startMs + Math.floor(hours * HOUR_MS), endMs - 1);
      }).sort((a, b) => a - b);
      days.add(date);
      times.forEach((at, n) => {
        const isBotClick = random() < 0.03;
        const userAgent = isBotClick ? pick(random, BOTS) : pick(random, PEOPLE);
        const bot = detectBot(userAgent);
        const device = describeDevice(userAgent);
        const isReturning = !bot.isBot && visitors.length > 0 && random() < 0.15;
        const visitorId = isReturning ? pick(random, visitors) : newUlid(at);
        if (!isReturning && !bot.isBot) visitors.push(visitorId);
        const id = newClickId(at);
        const country = pick(random, COUNTRIES);
        // In the order of CLICK_ROW_COLUMNS.
        clickRows.push([
          id,
          link.id,
          partner.id,
          at,
          visitorId,
          bot.isBot ? 1 : 0,
          bot.reason,
          !bot.isBot && !isReturning ? 1 : 0,
          device.device,
          device.os,
          device.browser,
          country,
          country === 'FR' || country === 'BE' || country === 'LU' ? 'fr' : country === 'CH' ? 'de' : 'en',
          null,
          userAgent,
          pick(random, VEHICLES),
          null,
          null,
          null,
          null,
          link.utm.source ?? DEFAULT_UTM.source,
          link.utm.medium ?? DEFAULT_UTM.medium,
          link.utm.campaign ?? link.slug,
          link.placement,
          'default',
          link.destination,
          0,
          null,
          null,
          null,
          'link',
        ]);
        if (bot.isBot || random() >= 0.035) return;
        // Minutes to a couple of days later, never today or after.
        const delayMs = Math.floor(random() ** 3 * 48 * HOUR_MS) + 60_000;
        const occurredAt = new Date(at + delayMs < todayStartMs ? at + delayMs : at + 60_000);
        const amountMinor = majorToMinor(Math.round(25 + random() * 375) + 0.9, partner.currency);
        const nth = sales.length;
        // Mostly approved or still pending, one in twelve rejected; a refund now and then.
        const status: ConversionStatus = nth % 12 === 5 ? 'rejected' : random() < 0.65 ? 'approved' : 'pending';
        const refundedAmountMinor =
          nth % 20 === 7 ? amountMinor : nth % 20 === 13 ? Math.floor(amountMinor / 2) : undefined;
        const row = newConversion(
          partner,
          {
            transactionId: `DEMO-${link.slug}-${date}-${n}`,
            clickId: id,
            amountMinor,
            currency: partner.currency,
            category: categories.length ? pick(random, categories) : undefined,
            status: refundedAmountMinor === undefined ? status : 'approved',
            refundedAmountMinor,
            event: 'sale',
            occurredAt,
          },
          {
            visitorId: null,
            kept: { customerHash: null, fingerprints: [] },
            plans: [],
            lookups: {
              existing: undefined,
              found: {
                candidates: [
                  {
                    method: 'click_id',
                    clicks: [{ id, partnerId: partner.id, linkId: link.id, createdAt: new Date(at), isBot: false }],
                  },
                ],
                referralCode: null,
                coupon: null,
              },
            },
          },
        );
        days.add(dateIn(occurredAt.getTime(), timeZone));
        sales.push({ row, history: firstHistoryOf(row, { reason: null, source: 'postback' }) });
      });
    }
  }

  const chunks: string[] = [];
  for (let i = 0; i < clickRows.length; i += CLICKS_PER_STATEMENT) {
    chunks.push(JSON.stringify(clickRows.slice(i, i + CLICKS_PER_STATEMENT)));
  }
  await insertClickRows(env.DB, chunks, [], 0);
  await insertConversions(dbOf(env), sales);
  for (const [partnerId, days] of partnerDays) {
    const partner = partners.get(partnerId);
    if (partner) await aggregatePartnerDays(env, partner, [...days].sort(), nowMs);
  }
  return { clicksAdded: clickRows.length, conversionsAdded: sales.length };
}
