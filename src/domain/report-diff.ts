// A partner's own conversion report against ours: its rows read through the partner's column names, then compared.
import { dateIn, dayRangeIn, isCalendarDate, wallTimeIn } from './calendar';
import { CONVERSION_EVENTS, type ConversionEvent } from './conversion-event';
import { CONVERSION_STATUSES, type ConversionStatus } from './conversion-status';
import { parseAmount } from './money';

export const REPORT_FIELDS = ['transactionId', 'amount', 'currency', 'status', 'event', 'occurredAt'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

/** A row of the partner's report in our terms; null where the report does not say. */
export type TheirRow = {
  line: number;
  transactionId: string;
  amountMinor: number | null;
  currency: string;
  status: ConversionStatus | null;
  rawStatus: string | null;
  event: ConversionEvent | null;
  occurredAtMs: number | null;
};

export type RowIssue = { line: number; message: string };

export type ReadOptions = {
  /** Canonical name -> the partner's column name; unmapped fields use the canonical name. */
  columns: Readonly<Record<string, string>>;
  /** The partner's status values -> ours. */
  statusMap: Readonly<Record<string, string>>;
  defaultCurrency: string;
  amountsInMinorUnits: boolean;
  /** The zone of dates and times written without an offset: the programme's. */
  timeZone: string;
};

/** The report has no column for the transaction id: nothing can be compared. */
export class ReportShapeError extends Error {
  override name = 'ReportShapeError';
}

/**
 * Reads CSV rows (the first is the header) into `TheirRow`s. Column names match case- and
 * space-insensitively. A row without a transaction id, or with an amount, date or currency
 * that cannot be read, becomes an issue rather than a row; unknown statuses are kept raw and
 * not compared. Throws `ReportShapeError` when no column holds the transaction id.
 * @example readReport([['order_id', 'total'], ['A1', '10,50']], { columns: { transactionId: 'order_id', amount: 'total' }, statusMap: {}, defaultCurrency: 'EUR', amountsInMinorUnits: false, timeZone: 'Europe/Paris' })
 * // { rows: [{ line: 2, transactionId: 'A1', amountMinor: 1050, currency: 'EUR', status: null, ... }], issues: [] }
 */
export function readReport(
  table: readonly (readonly string[])[],
  opts: ReadOptions,
): { rows: TheirRow[]; issues: RowIssue[] } {
  const [header = [], ...body] = table;
  const index = new Map(header.map((name, i) => [norm(name), i] as const));
  const col = (field: ReportField) => index.get(norm(opts.columns[field] ?? field));
  const at: Columns = {
    transactionId: col('transactionId'),
    amount: col('amount'),
    currency: col('currency'),
    status: col('status'),
    event: col('event'),
    occurredAt: col('occurredAt'),
  };
  if (at.transactionId === undefined) {
    throw new ReportShapeError(
      `The report has no "${opts.columns.transactionId ?? 'transactionId'}" column for the transaction id.`,
    );
  }
  const statusMap = new Map(Object.entries(opts.statusMap).map(([k, v]) => [norm(k), v] as const));
  const rows: TheirRow[] = [];
  const issues: RowIssue[] = [];
  for (const [i, fields] of body.entries()) {
    const line = i + 2;
    const row = readRow(fields, line, at, statusMap, opts);
    if (typeof row === 'string') issues.push({ line, message: row });
    else rows.push(row);
  }
  return { rows, issues };
}

type Columns = Record<ReportField, number | undefined>;

/** One row in our terms, or why it cannot be read. */
function readRow(
  fields: readonly string[],
  line: number,
  at: Columns,
  statusMap: ReadonlyMap<string, string>,
  opts: ReadOptions,
): TheirRow | string {
  const get = (idx: number | undefined) => (idx === undefined ? '' : (fields[idx] ?? '').trim());
  const transactionId = get(at.transactionId);
  if (!transactionId) return 'No transaction id.';
  const currency = (get(at.currency) || opts.defaultCurrency).toUpperCase();
  let amountMinor: number | null = null;
  const amountText = get(at.amount);
  if (amountText) {
    let parsed: ReturnType<typeof parseAmount>;
    try {
      parsed = parseAmount(amountText, currency, opts.amountsInMinorUnits);
    } catch {
      return `Unknown currency "${currency}".`;
    }
    if (!parsed.ok) return `Amount "${amountText}" ${parsed.message}.`;
    amountMinor = parsed.amountMinor;
  }
  let occurredAtMs: number | null = null;
  const dateText = get(at.occurredAt);
  if (dateText) {
    occurredAtMs = parseReportDate(dateText, opts.timeZone);
    if (occurredAtMs === null) return `Date "${dateText}" cannot be read.`;
  }
  const rawStatus = get(at.status) || null;
  const mapped = rawStatus ? (statusMap.get(norm(rawStatus)) ?? norm(rawStatus)) : null;
  const eventText = norm(get(at.event));
  return {
    line,
    transactionId,
    amountMinor,
    currency,
    status: (CONVERSION_STATUSES as readonly string[]).includes(mapped ?? '') ? (mapped as ConversionStatus) : null,
    rawStatus,
    event: (CONVERSION_EVENTS as readonly string[]).includes(eventText) ? (eventText as ConversionEvent) : null,
    occurredAtMs,
  };
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

const EUROPEAN_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_WALL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;

/**
 * Reads the dates reports carry: ISO 8601 (`2026-11-24`, `2026-11-24T10:00:00Z`,
 * `2026-11-24 10:00:00`) and day-first European dates (`24/11/2026`, `24.11.2026 10:00`). A date
 * or time without an offset is the wall clock of `timeZone` (the programme's, as a partner of a
 * French programme writes Paris times); one with `Z` or an offset is read as it says.
 * @example parseReportDate('24/11/2026 10:30', 'Europe/Paris') // Date.parse('2026-11-24T09:30:00Z')
 */
export function parseReportDate(text: string, timeZone: string): number | null {
  const t = text.trim();
  const eu = EUROPEAN_DATE.exec(t);
  const iso = eu ? null : ISO_WALL_TIME.exec(t);
  const wall = eu
    ? {
        date: `${eu[3]}-${eu[2]?.padStart(2, '0')}-${eu[1]?.padStart(2, '0')}`,
        time: `${(eu[4] ?? '0').padStart(2, '0')}:${eu[5] ?? '00'}:${eu[6] ?? '00'}`,
      }
    : iso
      ? { date: iso[1] ?? '', time: iso[2] ?? '00:00' }
      : null;
  if (wall) {
    // 31/02 is no date, though Date.parse would roll it over to March.
    if (!isCalendarDate(wall.date)) return null;
    try {
      return wallTimeIn(wall.date, wall.time, timeZone);
    } catch {
      return null;
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(t) || !isCalendarDate(t.slice(0, 10))) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The days a comparison covers, days of `timeZone`: those asked for, else the first and last
 * dates of their rows; null while either end is unknown (then nothing is `missing_there`).
 * `startMs` and `endMs` are the instants of those days; the caller refuses a `from` after `to`.
 * @example comparedPeriod(rows, { from: '2026-11-01' }, 'Europe/Paris') // { from: '2026-11-01', to: '2026-11-24', startMs, endMs }
 */
export function comparedPeriod(
  rows: readonly TheirRow[],
  asked: { from?: string; to?: string },
  timeZone: string,
): { from: string; to: string; startMs: number; endMs: number } | null {
  const dates = rows.flatMap((r) => (r.occurredAtMs === null ? [] : [dateIn(r.occurredAtMs, timeZone)])).sort();
  const from = asked.from ?? dates[0];
  const to = asked.to ?? dates[dates.length - 1];
  if (!from || !to) return null;
  return { from, to, startMs: dayRangeIn(from, timeZone).startMs, endMs: dayRangeIn(to, timeZone).endMs };
}

/** One of our conversions, as far as the comparison needs it. */
export type OurConversion = {
  id: string;
  transactionId: string;
  event: string;
  status: string;
  amountMinor: number;
  currency: string;
  occurredAtMs: number;
};

export const DISCREPANCY_KINDS = ['missing_here', 'missing_there', 'amount_mismatch', 'status_mismatch'] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export type Discrepancy = {
  kind: DiscrepancyKind;
  transactionId: string;
  ours: { conversionId: string; event: string; status: string; amountMinor: number; currency: string } | null;
  theirs: {
    line: number;
    event: string | null;
    status: string | null;
    rawStatus: string | null;
    amountMinor: number | null;
    currency: string;
  } | null;
};

export type DiffSummary = {
  theirRows: number;
  matched: number;
  duplicates: number;
  missingHere: number;
  missingThere: number;
  amountMismatches: number;
  statusMismatches: number;
};

/**
 * Compares their rows with our conversions. A row matches our conversion of the same
 * transaction id (and event, when the report gives one; else our sale, else our only one).
 * Their rows without a match are `missing_here`; our pending or approved conversions that
 * occurred within `period` and that no row matched are `missing_there` (not computed without a
 * period); matched pairs whose amount or currency differ, or whose known statuses differ, are
 * mismatches. Repeated rows of one transaction are counted as duplicates and ignored.
 * @example diffReport(ours, theirs, { startMs, endMs }).discrepancies // [{ kind: 'missing_there', transactionId: 'A2', ... }]
 */
export function diffReport(
  ours: readonly OurConversion[],
  theirs: readonly TheirRow[],
  period: { startMs: number; endMs: number } | null,
): { discrepancies: Discrepancy[]; summary: DiffSummary } {
  const byTxn = new Map<string, OurConversion[]>();
  for (const c of ours) byTxn.set(c.transactionId, [...(byTxn.get(c.transactionId) ?? []), c]);
  const matchedIds = new Set<string>();
  const seen = new Set<string>();
  const discrepancies: Discrepancy[] = [];
  const summary: DiffSummary = {
    theirRows: theirs.length,
    matched: 0,
    duplicates: 0,
    missingHere: 0,
    missingThere: 0,
    amountMismatches: 0,
    statusMismatches: 0,
  };
  for (const row of theirs) {
    const key = `${row.transactionId}\u0000${row.event ?? ''}`;
    if (seen.has(key)) {
      summary.duplicates++;
      continue;
    }
    seen.add(key);
    const candidates = (byTxn.get(row.transactionId) ?? []).filter((c) => !matchedIds.has(c.id));
    const match = row.event
      ? candidates.find((c) => c.event === row.event)
      : (candidates.find((c) => c.event === 'sale') ?? (candidates.length === 1 ? candidates[0] : undefined));
    const theirsView = {
      line: row.line,
      event: row.event,
      status: row.status,
      rawStatus: row.rawStatus,
      amountMinor: row.amountMinor,
      currency: row.currency,
    };
    if (!match) {
      summary.missingHere++;
      discrepancies.push({ kind: 'missing_here', transactionId: row.transactionId, ours: null, theirs: theirsView });
      continue;
    }
    matchedIds.add(match.id);
    summary.matched++;
    const oursView = ourView(match);
    if (row.amountMinor !== null && (row.amountMinor !== match.amountMinor || row.currency !== match.currency)) {
      summary.amountMismatches++;
      discrepancies.push({
        kind: 'amount_mismatch',
        transactionId: row.transactionId,
        ours: oursView,
        theirs: theirsView,
      });
    }
    if (row.status !== null && row.status !== match.status) {
      summary.statusMismatches++;
      discrepancies.push({
        kind: 'status_mismatch',
        transactionId: row.transactionId,
        ours: oursView,
        theirs: theirsView,
      });
    }
  }
  if (period) {
    for (const c of ours) {
      const counted = c.status === 'pending' || c.status === 'approved';
      const inPeriod = c.occurredAtMs >= period.startMs && c.occurredAtMs < period.endMs;
      if (counted && inPeriod && !matchedIds.has(c.id)) {
        summary.missingThere++;
        discrepancies.push({ kind: 'missing_there', transactionId: c.transactionId, ours: ourView(c), theirs: null });
      }
    }
  }
  return { discrepancies, summary };
}

function ourView(c: OurConversion) {
  return { conversionId: c.id, event: c.event, status: c.status, amountMinor: c.amountMinor, currency: c.currency };
}
