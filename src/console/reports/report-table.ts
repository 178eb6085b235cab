// A report as a table of typed cells: the page formats them for the language, the CSV export
// writes the same rows and columns as plain values, so the file holds exactly what is shown.
import { TIME_TO_CONVERSION_BUCKETS } from '../../domain/aggregation';
import { minorToMajor } from '../../domain/money';
import type { BreakdownLine } from '../../services/live-reports';
import type { Format, Lang } from '../ui/locale';
import { messages } from '../ui/messages';

/** What the reports page can break figures down by: a click dimension, or the time to convert. */
export const REPORT_DIMENSIONS = [
  'source',
  'placement',
  'device',
  'country',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'time',
] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** Lines shown one by one; any further ones are summed into one line per currency. */
export const MAX_LINES = 100;
/** Bars drawn: the values with the most clicks. */
export const MAX_BARS = 15;

export const tableMessages = messages(
  {
    source: 'Source',
    placement: 'Placement',
    device: 'Device',
    country: 'Country',
    sub1: 'Vehicle type (sub1)',
    sub2: 'Sub-id 2',
    sub3: 'Sub-id 3',
    sub4: 'Sub-id 4',
    sub5: 'Sub-id 5',
    time: 'Time to convert',
    clicks: 'Clicks',
    uniqueClicks: 'Unique clicks',
    botClicks: 'Bot clicks',
    conversions: 'Conversions',
    conversionRate: 'Conversion rate',
    revenue: 'Revenue',
    commission: 'Commission',
    currency: 'Currency',
    share: 'Share',
    none: 'Not set',
    unattributed: 'No click (unattributed)',
    others: (n: number) => `Other values (${n})`,
    '<1m': 'Under 1 minute',
    '1-10m': '1 to 10 minutes',
    '10-60m': '10 to 60 minutes',
    '1-6h': '1 to 6 hours',
    '6-24h': '6 to 24 hours',
    '1-7d': '1 to 7 days',
    '7-30d': '7 to 30 days',
    '>30d': 'Over 30 days',
  },
  {
    source: 'Source',
    placement: 'Emplacement',
    device: 'Appareil',
    country: 'Pays',
    sub1: 'Type de véhicule (sub1)',
    sub2: 'Sous-identifiant 2',
    sub3: 'Sous-identifiant 3',
    sub4: 'Sous-identifiant 4',
    sub5: 'Sous-identifiant 5',
    time: 'Délai de conversion',
    clicks: 'Clics',
    uniqueClicks: 'Clics uniques',
    botClicks: 'Clics de robots',
    conversions: 'Conversions',
    conversionRate: 'Taux de conversion',
    revenue: "Chiffre d'affaires",
    commission: 'Commission',
    currency: 'Devise',
    share: 'Part',
    none: 'Non renseigné',
    unattributed: 'Sans clic (non attribuée)',
    others: (n: number) => `Autres valeurs (${n})`,
    '<1m': "Moins d'une minute",
    '1-10m': 'De 1 à 10 minutes',
    '10-60m': 'De 10 à 60 minutes',
    '1-6h': 'De 1 à 6 heures',
    '6-24h': 'De 6 à 24 heures',
    '1-7d': 'De 1 à 7 jours',
    '7-30d': 'De 7 à 30 jours',
    '>30d': 'Plus de 30 jours',
  },
);

/** One cell: what it holds decides how the page writes it and what the CSV holds. */
export type Cell =
  | { kind: 'text'; value: string }
  | { kind: 'count'; value: number }
  | { kind: 'ratio'; value: number }
  | { kind: 'money'; minor: number; currency: string };

export type ReportTable = {
  headers: string[];
  rows: Cell[][];
  /** The chart: the first rows' label and main figure. */
  bars: { label: string; value: number }[];
  barName: string;
};

type Bucket = { bucket: string; conversions: number; share: number };

const text = (value: string): Cell => ({ kind: 'text', value });
const count = (value: number): Cell => ({ kind: 'count', value });
const ratio = (value: number): Cell => ({ kind: 'ratio', value });

/** Conversions per counted click, 0 without clicks (as the API's conversionRate, unrounded). */
const rateOf = (conversions: number, clicks: number) => (clicks > 0 ? conversions / clicks : 0);

/**
 * A breakdown's table: one row per value (and currency), most clicks first. With bots, clicks
 * count bot clicks too and a bot clicks column says how many; unique clicks and the conversion
 * rate are always about people.
 */
export function breakdownTable(
  lang: Lang,
  dimension: Exclude<ReportDimension, 'time'>,
  lines: readonly BreakdownLine[],
  withBots: boolean,
): ReportTable {
  const t = tableMessages[lang];
  const shown = withBots ? [...lines].sort((a, b) => b.clicks + b.botClicks - (a.clicks + a.botClicks)) : [...lines];
  for (const line of otherLines(shown.splice(MAX_LINES), t.others)) shown.push(line);
  const isMixed = new Set(lines.map((l) => l.currency)).size > 1;
  const labelOf = (value: string) =>
    value === '(none)' ? t.none : value === '(unattributed)' ? t.unattributed : value;
  const clicksOf = (l: BreakdownLine) => l.clicks + (withBots ? l.botClicks : 0);
  return {
    headers: [
      t[dimension],
      t.clicks,
      t.uniqueClicks,
      ...(withBots ? [t.botClicks] : []),
      t.conversions,
      t.conversionRate,
      t.revenue,
      t.commission,
      t.currency,
    ],
    rows: shown.map((l) => [
      text(labelOf(l.value)),
      count(clicksOf(l)),
      count(l.uniqueClicks),
      ...(withBots ? [count(l.botClicks)] : []),
      count(l.conversions),
      ratio(rateOf(l.conversions, l.clicks)),
      { kind: 'money', minor: l.revenueMinor, currency: l.currency },
      { kind: 'money', minor: l.commissionMinor, currency: l.currency },
      text(l.currency),
    ]),
    bars: shown.slice(0, MAX_BARS).map((l) => ({
      label: isMixed ? `${labelOf(l.value)} · ${l.currency}` : labelOf(l.value),
      value: clicksOf(l),
    })),
    barName: t.clicks,
  };
}

/** The lines past the first ones, summed into one per currency, named with how many they sum. */
function otherLines(rest: readonly BreakdownLine[], label: (n: number) => string): BreakdownLine[] {
  const byCurrency = new Map<string, BreakdownLine>();
  const counts = new Map<string, number>();
  for (const l of rest) counts.set(l.currency, (counts.get(l.currency) ?? 0) + 1);
  for (const l of rest) {
    const sum = byCurrency.get(l.currency) ?? {
      value: label(counts.get(l.currency) ?? 0),
      clicks: 0,
      uniqueClicks: 0,
      botClicks: 0,
      conversions: 0,
      revenueMinor: 0,
      commissionMinor: 0,
      currency: l.currency,
    };
    sum.clicks += l.clicks;
    sum.uniqueClicks += l.uniqueClicks;
    sum.botClicks += l.botClicks;
    sum.conversions += l.conversions;
    sum.revenueMinor += l.revenueMinor;
    sum.commissionMinor += l.commissionMinor;
    byCurrency.set(l.currency, sum);
  }
  return [...byCurrency.values()];
}

/** The time-to-conversion table: every bucket, shortest first, with its share of conversions. */
export function timeTable(lang: Lang, buckets: readonly Bucket[]): ReportTable {
  const t = tableMessages[lang];
  const labelOf = (bucket: string) =>
    TIME_TO_CONVERSION_BUCKETS.some((b) => b.label === bucket) ? t[bucket as keyof typeof t] : bucket;
  return {
    headers: [t.time, t.conversions, t.share],
    rows: buckets.map((b) => [text(String(labelOf(b.bucket))), count(b.conversions), ratio(b.share)]),
    bars: buckets.map((b) => ({ label: String(labelOf(b.bucket)), value: b.conversions })),
    barName: t.conversions,
  };
}

/** A cell as the page writes it. */
export function shownCell(cell: Cell, fmt: Format): string {
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'count':
      return fmt.number(cell.value);
    case 'ratio':
      return fmt.percent(cell.value);
    case 'money':
      return fmt.money(cell.minor, cell.currency);
  }
}

/** A cell as the CSV holds it: numbers as numbers, money in major units, shares as fractions. */
export function csvCell(cell: Cell): string | number {
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'count':
      return cell.value;
    case 'ratio':
      return Math.round(cell.value * 10_000) / 10_000;
    case 'money':
      return minorToMajor(cell.minor, cell.currency);
  }
}
