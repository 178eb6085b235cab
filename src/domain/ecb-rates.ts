// The ECB's euro reference rates as published in XML (eurofxref-daily.xml, eurofxref-hist-90d.xml,
// eurofxref-hist.xml): read into days of EUR-based quotes, and the days the ECB skips filled in.
//
// The files are one envelope holding `<Cube time='YYYY-MM-DD'>` days, newest first, each with
// `<Cube currency='USD' rate='1.0773'/>` quotes (1 EUR = rate units). The format has been stable
// for twenty years and is this flat, so it is read with a tag scanner rather than an XML library:
// workerd has no DOMParser, and a dependency would do no better on the three tag shapes there are.
import { isCalendarDate, nextDate } from './calendar';
import { isCurrencyCode } from './money';

/** One published day: 1 EUR = `rates[code]` of each code, rates as their exact decimal text. */
export type EcbDay = { date: string; rates: Record<string, string> };

export type EcbParse = { ok: true; days: EcbDay[] } | { ok: false; message: string };

/** The ECB's rates are quoted against the euro. */
export const ECB_BASE = 'EUR';

const CUBE_TAG = /<Cube\b([^>]*)>/g;
const ATTRIBUTE = /([A-Za-z_:][\w.:-]*)\s*=\s*(?:'([^']*)'|"([^"]*)")/g;
const RATE_TEXT = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,12})?$/;

function attributesOf(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of tag.matchAll(ATTRIBUTE)) found[m[1] as string] = (m[2] ?? m[3] ?? '').trim();
  return found;
}

/**
 * Reads an ECB reference-rate file into its days, oldest first. Quotes in a code that is not
 * active ISO 4217 (the hist file still carries currencies the euro replaced) or with a rate
 * that is not a positive decimal are left out; a day left with no quote is dropped. A file
 * with no dated day, or a quote outside any day, is refused: it is not the ECB's format.
 * @example parseEcbRates("<Cube><Cube time='2026-11-24'><Cube currency='USD' rate='1.0856'/></Cube></Cube>")
 * // { ok: true, days: [{ date: '2026-11-24', rates: { USD: '1.0856' } }] }
 */
export function parseEcbRates(xml: string): EcbParse {
  const byDate = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  let sawDay = false;
  for (const m of xml.matchAll(CUBE_TAG)) {
    const attributes = attributesOf(m[1] ?? '');
    if (attributes.time !== undefined) {
      if (!isCalendarDate(attributes.time)) return fail(`a day is dated "${attributes.time.slice(0, 40)}"`);
      sawDay = true;
      current = byDate.get(attributes.time) ?? {};
      byDate.set(attributes.time, current);
    } else if (attributes.currency !== undefined || attributes.rate !== undefined) {
      if (!current) return fail('a rate comes before any dated day');
      const code = attributes.currency ?? '';
      const rate = attributes.rate ?? '';
      if (isCurrencyCode(code) && code !== ECB_BASE && RATE_TEXT.test(rate) && /[1-9]/.test(rate)) current[code] = rate;
    }
  }
  if (!sawDay) return fail('no dated day of rates (<Cube time="YYYY-MM-DD">) was found');
  const days = [...byDate]
    .filter(([, rates]) => Object.keys(rates).length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, rates]) => ({ date, rates }));
  return { ok: true, days };
}

/**
 * Every calendar day from the first published day to the last, each with the rates in force
 * that day: its own, or, on a day the ECB published nothing (weekends, TARGET holidays), those
 * of the last day published before it, as the ECB's rates are used in practice. Only gaps
 * between two days of the same file are filled: a file shows every day published in its span,
 * so a day missing there was never published, whereas before its first day nothing is known.
 * @example ratesInForce([{ date: '2026-11-20', rates: r }, { date: '2026-11-23', rates: s }]).map((d) => d.date)
 * // ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']
 */
export function ratesInForce(days: readonly EcbDay[]): EcbDay[] {
  const filled: EcbDay[] = [];
  for (const day of days) {
    const previous = filled[filled.length - 1];
    if (previous) {
      for (let date = nextDate(previous.date, 1); date < day.date; date = nextDate(date, 1)) {
        filled.push({ date, rates: previous.rates });
      }
    }
    filled.push(day);
  }
  return filled;
}

function fail(message: string): EcbParse {
  return { ok: false, message: `Not an ECB reference-rate file: ${message}.` };
}
