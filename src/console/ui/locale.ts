// The console's language (English or French) and how numbers, money and dates read in it.
import { minorToMajor } from '../../domain/money';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

/** The cookie the language switch sets; it wins over the browser's Accept-Language. */
export const LANG_COOKIE = 'relais_lang';

const isLang = (value: string | undefined): value is Lang => value === 'en' || value === 'fr';

/**
 * The language to answer in: the switch's cookie, else the first of the browser's languages
 * (by quality) that the console speaks, else English.
 * @example langOf(undefined, 'fr-FR,fr;q=0.9,en;q=0.8') // 'fr'
 */
export function langOf(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: tag.toLowerCase().split('-')[0], quality: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLang) ?? 'en';
}

/** How a figure reads in the page's language. */
export type Format = {
  lang: Lang;
  /** The programme's zone, in which times are shown (REPORT_TIMEZONE). */
  timeZone: string;
  number(value: number): string;
  /** A share: 0.125 -> "12.5%" / "12,5 %". */
  percent(ratio: number): string;
  /** A change against a previous figure, signed; "—" when there was nothing to compare with. */
  change(current: number, previous: number): string;
  money(amountMinor: number, currency: string): string;
  /** A calendar date "YYYY-MM-DD" as written in the language. */
  date(isoDate: string): string;
  /** An instant, in the programme's zone. */
  dateTime(at: Date | string | number): string;
};

const LOCALES: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR' };

// Intl formatters are costly to build and pages format hundreds of figures: one per language,
// zone and currency for the isolate's life.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let formatter = formatters.get(key) as F | undefined;
  if (formatter === undefined) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * The formatting functions of one language in the programme's zone.
 * @example formatOf('fr', 'Europe/Paris').money(123456, 'EUR') // "1 234,56 €"
 */
export function formatOf(lang: Lang, timeZone: string): Format {
  const locale = LOCALES[lang];
  const numbers = cached(`n:${locale}`, () => new Intl.NumberFormat(locale));
  const percents = cached(
    `p:${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
  );
  const changes = cached(
    `c:${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
  );
  // Calendar dates are days, not instants: read and written in UTC so that no zone shifts them.
  const dates = cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }));
  const dateTimes = cached(
    `t:${locale}:${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  );
  return {
    lang,
    timeZone,
    number: (value) => numbers.format(value),
    percent: (ratio) => percents.format(ratio),
    change: (current, previous) => (previous === 0 ? '—' : changes.format((current - previous) / previous)),
    money: (amountMinor, currency) =>
      cached(`m:${locale}:${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(
        minorToMajor(amountMinor, currency),
      ),
    date: (isoDate) => dates.format(new Date(`${isoDate}T00:00:00Z`)),
    dateTime: (at) => dateTimes.format(at instanceof Date ? at : new Date(at)),
  };
}
