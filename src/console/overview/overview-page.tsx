// The overview page: key figures against the previous period, clicks and conversions over time,
// top partners (all partners only) and top links. A function of the overview's data.
import type { Money, Overview, Ranked } from '../../services/live-reports';
import { BarChart } from '../ui/charts/bar-chart';
import { TimeSeriesChart } from '../ui/charts/time-series';
import { Tiles } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Lang } from '../ui/locale';
import { messages } from '../ui/messages';
import { hrefWith, RangeFilters, type RangeProblem, type RangeValues } from '../ui/range-filters';
import type { Ui } from '../ui/ui';

const m = messages(
  {
    title: 'Overview',
    period: (from: string, to: string, days: number) => `${from} – ${to} (${days === 1 ? '1 day' : `${days} days`})`,
    against: (from: string, to: string) => `compared with ${from} – ${to}`,
    live: "Today's figures are live; earlier days are the daily totals.",
    of: (name: string) => `Figures of ${name}`,
    clicks: 'Clicks',
    uniqueClicks: 'Unique clicks',
    botClicks: 'Bot clicks',
    conversions: 'Conversions',
    revenue: 'Revenue',
    commission: 'Commission',
    inCurrency: (label: string, currency: string) => `${label} (${currency})`,
    before: (value: string) => `previously ${value}`,
    withBots: 'Clicks include bot clicks. Unique clicks are always people only.',
    overTime: 'Over time',
    traffic: (step: 'day' | 'hour') => (step === 'hour' ? 'Clicks per hour' : 'Clicks per day'),
    converted: (step: 'day' | 'hour') => (step === 'hour' ? 'Conversions per hour' : 'Conversions per day'),
    topPartners: 'Top partners',
    topLinks: 'Top links',
    partner: 'Partner',
    link: 'Link',
    partnersByClicks: 'Partners with the most clicks',
    linksByClicks: 'Links with the most clicks',
    nothing: 'No clicks or conversions in this range.',
    overviewOf: (name: string) => `Overview of ${name}`,
  },
  {
    title: "Vue d'ensemble",
    period: (from: string, to: string, days: number) => `${from} – ${to} (${days === 1 ? '1 jour' : `${days} jours`})`,
    against: (from: string, to: string) => `comparé au ${from} – ${to}`,
    live: "Les chiffres d'aujourd'hui sont en direct ; les jours précédents sont les totaux quotidiens.",
    of: (name: string) => `Chiffres de ${name}`,
    clicks: 'Clics',
    uniqueClicks: 'Clics uniques',
    botClicks: 'Clics de robots',
    conversions: 'Conversions',
    revenue: "Chiffre d'affaires",
    commission: 'Commission',
    inCurrency: (label: string, currency: string) => `${label} (${currency})`,
    before: (value: string) => `avant : ${value}`,
    withBots: 'Les clics incluent ceux des robots. Les clics uniques ne comptent que des personnes.',
    overTime: 'Dans le temps',
    traffic: (step: 'day' | 'hour') => (step === 'hour' ? 'Clics par heure' : 'Clics par jour'),
    converted: (step: 'day' | 'hour') => (step === 'hour' ? 'Conversions par heure' : 'Conversions par jour'),
    topPartners: 'Meilleurs partenaires',
    topLinks: 'Meilleurs liens',
    partner: 'Partenaire',
    link: 'Lien',
    partnersByClicks: 'Partenaires ayant le plus de clics',
    linksByClicks: 'Liens ayant le plus de clics',
    nothing: 'Aucun clic ni conversion sur cette période.',
    overviewOf: (name: string) => `Vue d'ensemble de ${name}`,
  },
);

export type OverviewPageProps = {
  ui: Ui;
  values: RangeValues;
  today: string;
  /** Partners an admin may narrow the figures to. */
  choices: readonly { id: string; name: string }[];
  /** The figures; null when the filters were refused (`problem` says why). */
  overview: Overview | null;
  problem?: RangeProblem | null;
};

export function OverviewPage(props: OverviewPageProps) {
  const { ui, overview } = props;
  const t = m[ui.lang];
  return (
    <Layout ui={ui} title={t.title}>
      <RangeFilters
        ui={ui}
        action="/console"
        values={props.values}
        partners={props.choices}
        today={props.today}
        problem={props.problem}
      />
      {overview && <Figures ui={ui} overview={overview} withBots={props.values.bots} />}
    </Layout>
  );
}

function Figures(props: { ui: Ui; overview: Overview; withBots: boolean }) {
  const { ui, overview: o, withBots } = props;
  const t = m[ui.lang];
  const { fmt } = ui;
  const { period } = o;
  const count = (current: number, previous: number, label: string) => ({
    label,
    value: fmt.number(current),
    change: `${fmt.change(current, previous)} · ${t.before(fmt.number(previous))}`,
  });
  const bots = (f: { clicks: number; botClicks: number }) => f.clicks + (withBots ? f.botClicks : 0);
  const money = (kind: 'revenue' | 'commission') =>
    o.current.money.map((now) => {
      const before = previousMoney(o.previous.money, now.currency);
      const minor = (x: Money) => (kind === 'revenue' ? x.revenueMinor : x.commissionMinor);
      return {
        label: o.current.money.length > 1 ? t.inCurrency(t[kind], now.currency) : t[kind],
        value: fmt.money(minor(now), now.currency),
        change: `${fmt.change(minor(now), minor(before))} · ${t.before(fmt.money(minor(before), now.currency))}`,
      };
    });
  const tiles = [
    count(bots(o.current), bots(o.previous), t.clicks),
    count(o.current.uniqueClicks, o.previous.uniqueClicks, t.uniqueClicks),
    ...(withBots ? [count(o.current.botClicks, o.previous.botClicks, t.botClicks)] : []),
    count(o.current.conversions, o.previous.conversions, t.conversions),
    ...money('revenue'),
    ...money('commission'),
  ];
  const labels =
    o.series.step === 'day'
      ? o.series.points.map((p) => fmt.date(p.date))
      : o.series.points.map((p) => hourLabel(ui.lang, fmt.timeZone, p.startMs, period.days > 1));
  const points: { clicks: number; uniqueClicks: number; botClicks: number; conversions: number }[] = o.series.points;
  const traffic = [
    { name: t.clicks, values: points.map(bots) },
    { name: t.uniqueClicks, values: points.map((p) => p.uniqueClicks) },
    ...(withBots ? [{ name: t.botClicks, values: points.map((p) => p.botClicks) }] : []),
  ];
  return (
    <>
      <p>
        {o.partner && (
          <>
            <strong>{t.of(o.partner.name)}</strong>
            {' · '}
          </>
        )}
        {t.period(fmt.date(period.from), fmt.date(period.to), period.days)},{' '}
        {t.against(fmt.date(period.previous.from), fmt.date(period.previous.to))}.
      </p>
      <p class="muted">
        {t.live}
        {withBots && ` ${t.withBots}`}
      </p>
      <Tiles items={tiles} />
      <h2>{t.overTime}</h2>
      <div class="grid">
        <TimeSeriesChart
          id="clicks-chart"
          title={t.traffic(o.series.step)}
          lang={ui.lang}
          labels={labels}
          series={traffic}
          format={fmt.number}
        />
        <TimeSeriesChart
          id="conversions-chart"
          title={t.converted(o.series.step)}
          lang={ui.lang}
          labels={labels}
          series={[{ name: t.conversions, values: points.map((p) => p.conversions) }]}
          format={fmt.number}
        />
      </div>
      <div class="grid">
        {o.topPartners && (
          <section aria-labelledby="top-partners">
            <h2 id="top-partners">{t.topPartners}</h2>
            <TopList ui={ui} id="partners" rows={o.topPartners} withBots={withBots} kind="partner" />
          </section>
        )}
        <section aria-labelledby="top-links">
          <h2 id="top-links">{t.topLinks}</h2>
          <TopList ui={ui} id="links" rows={o.topLinks} withBots={withBots} kind="link" />
        </section>
      </div>
    </>
  );
}

/** A ranking: its bar chart of clicks, then clicks, conversions and commission in a table. */
function TopList(props: { ui: Ui; id: string; rows: Ranked[]; withBots: boolean; kind: 'partner' | 'link' }) {
  const { ui, rows, withBots } = props;
  const t = m[ui.lang];
  const { fmt } = ui;
  const clicksOf = (r: Ranked) => r.clicks + (withBots ? r.botClicks : 0);
  if (rows.length === 0) return <p class="muted">{t.nothing}</p>;
  return (
    <>
      <BarChart
        id={`top-${props.id}-chart`}
        title={props.kind === 'partner' ? t.partnersByClicks : t.linksByClicks}
        lang={ui.lang}
        bars={rows.map((r) => ({ label: r.name, value: clicksOf(r) }))}
        format={fmt.number}
        valueName={t.clicks}
      />
      {/* Focusable, so that a table wider than a phone can be scrolled with the keyboard. */}
      <section class="table-wrap" tabindex={0} aria-labelledby={`top-${props.id}-table`}>
        <table>
          <caption id={`top-${props.id}-table`}>{props.kind === 'partner' ? t.topPartners : t.topLinks}</caption>
          <thead>
            <tr>
              <th scope="col">{props.kind === 'partner' ? t.partner : t.link}</th>
              <th scope="col" class="num">
                {t.clicks}
              </th>
              <th scope="col" class="num">
                {t.conversions}
              </th>
              <th scope="col" class="num">
                {t.commission}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">
                  {props.kind === 'partner' ? (
                    <a href={hrefWith(ui, { partner: r.partnerId })} title={t.overviewOf(r.name)}>
                      {r.name}
                    </a>
                  ) : (
                    r.name
                  )}
                </th>
                <td class="num">{fmt.number(clicksOf(r))}</td>
                <td class="num">{fmt.number(r.conversions)}</td>
                <td class="num">{fmt.money(r.commissionMinor, r.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function previousMoney(list: readonly Money[], currency: string): Money {
  return list.find((x) => x.currency === currency) ?? { currency, revenueMinor: 0, commissionMinor: 0 };
}

// An hour's label on a chart: "14:00", or "Tue 14:00" when the range spans two days. Built once
// per language and zone for the isolate's life, as the other formats (ui/locale.ts).
const hourFormats = new Map<string, Intl.DateTimeFormat>();
function hourLabel(lang: Lang, timeZone: string, atMs: number, withDay: boolean): string {
  const key = `${lang}:${timeZone}:${withDay}`;
  let format = hourFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      ...(withDay ? { weekday: 'short' as const } : {}),
    });
    hourFormats.set(key, format);
  }
  return format.format(atMs);
}
