// The filter form of pages that show figures over days: from/to dates, quick ranges as links, a
// partner (admins), bot clicks or not. A plain GET form: the URL is the page's whole state.
import type { Child } from 'hono/jsx';
import { QUICK_RANGES, type QuickRange, quickRange } from '../../domain/period';
import { AppError } from '../../http/errors';
import { describedBy, FieldError } from './field-error';
import { messages } from './messages';
import { PartnerSelect } from './partner-select';
import type { Ui } from './ui';

const m = messages(
  {
    filters: 'Filters',
    from: 'From',
    to: 'To',
    bots: 'Include bot clicks',
    show: 'Show',
    quick: 'Quick ranges',
    today: 'Today',
    '7d': 'Last 7 days',
    '30d': 'Last 30 days',
    '90d': 'Last 90 days',
    notDate: 'Enter a date.',
    future: 'This day has not come yet.',
    afterTo: 'The first day must not be after the last.',
    tooLong: 'A range covers at most 366 days.',
  },
  {
    filters: 'Filtres',
    from: 'Du',
    to: 'Au',
    bots: 'Inclure les clics de robots',
    show: 'Afficher',
    quick: 'Périodes rapides',
    today: "Aujourd'hui",
    '7d': '7 derniers jours',
    '30d': '30 derniers jours',
    '90d': '90 derniers jours',
    notDate: 'Saisissez une date.',
    future: "Ce jour n'est pas encore arrivé.",
    afterTo: 'Le premier jour ne doit pas suivre le dernier.',
    tooLong: 'Une période couvre au plus 366 jours.',
  },
);

/** What the form holds, as read from the URL (empty strings for what is not set). */
export type RangeValues = { from: string; to: string; partner: string; bots: boolean };

/** The filter values of a request's query. */
export function rangeValuesOf(query: (name: string) => string | undefined): RangeValues {
  return {
    from: query('from') ?? '',
    to: query('to') ?? '',
    partner: query('partner') ?? '',
    bots: query('bots') === '1',
  };
}

/** A date field the service refused, and why. */
export type RangeProblem = { field: 'from' | 'to'; reason: 'notDate' | 'future' | 'afterTo' | 'tooLong' };

const REASONS: Record<string, RangeProblem['reason']> = {
  'not a date': 'notDate',
  'in the future': 'future',
  'after to': 'afterTo',
  'range too long': 'tooLong',
};

/** The date field a refusal of the report services names, or null for any other error. */
export function rangeProblemOf(err: unknown): RangeProblem | null {
  if (!(err instanceof AppError) || err.status !== 400 || !Array.isArray(err.details)) return null;
  const [detail] = err.details as { path?: unknown[]; message?: string }[];
  const field = detail?.path?.[0];
  const reason = REASONS[detail?.message ?? ''];
  return (field === 'from' || field === 'to') && reason ? { field, reason } : null;
}

/** The page's URL with some parameters set (or removed, with null), `format` always removed. */
export function hrefWith(ui: Ui, changes: Record<string, string | null>): string {
  const url = new URL(ui.here, 'http://console');
  url.searchParams.delete('format');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  return url.pathname + url.search;
}

/**
 * The filter form, then the quick ranges (links ending `today`, other filters kept). `children`
 * are the page's own fields, placed before the dates.
 */
export function RangeFilters(props: {
  ui: Ui;
  action: string;
  values: RangeValues;
  /** Partners to choose from (admins); none: no partner field. */
  partners: readonly { id: string; name: string }[];
  today: string;
  problem?: RangeProblem | null;
  children?: Child;
}) {
  const { ui, values, problem } = props;
  const t = m[ui.lang];
  const dateField = (name: 'from' | 'to') => {
    const isWrong = problem?.field === name;
    return (
      <div class="field">
        <label for={name}>{t[name]}</label>
        <input
          type="date"
          id={name}
          name={name}
          value={values[name]}
          max={props.today}
          aria-invalid={isWrong ? 'true' : undefined}
          aria-describedby={describedBy(name, { error: isWrong })}
        />
        {isWrong && <FieldError id={name} message={t[problem.reason]} />}
      </div>
    );
  };
  const isCurrent = (key: QuickRange) => {
    const range = quickRange(key, props.today);
    return range.from === values.from && range.to === values.to;
  };
  return (
    <>
      <form method="get" action={props.action} class="filters" aria-label={t.filters}>
        {props.children}
        {dateField('from')}
        {dateField('to')}
        {props.partners.length > 0 && (
          <PartnerSelect ui={ui} id="partner" options={props.partners} selected={values.partner} />
        )}
        <div class="field">
          <input type="checkbox" id="bots" name="bots" value="1" checked={values.bots} />{' '}
          <label for="bots" class="inline">
            {t.bots}
          </label>
        </div>
        <div class="field">
          <button type="submit">{t.show}</button>
        </div>
      </form>
      <nav class="actions no-print" aria-label={t.quick}>
        {QUICK_RANGES.map(({ key }) => {
          const range = quickRange(key, props.today);
          return (
            <a href={hrefWith(ui, range)} aria-current={isCurrent(key) ? 'true' : undefined}>
              {t[key]}
            </a>
          );
        })}
      </nav>
    </>
  );
}
