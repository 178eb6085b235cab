// The reports page: one breakdown (or the time to convert) over a range, as a bar chart and a
// table, with the same table to download as CSV. A function of the table's data.
import type { Period } from '../../domain/period';
import { BarChart } from '../ui/charts/bar-chart';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { hrefWith, RangeFilters, type RangeProblem, type RangeValues } from '../ui/range-filters';
import type { Ui } from '../ui/ui';
import { REPORT_DIMENSIONS, type ReportDimension, type ReportTable, shownCell, tableMessages } from './report-table';

const m = messages(
  {
    title: 'Reports',
    dimension: 'Break down by',
    period: (from: string, to: string) => `${from} – ${to}`,
    live: "Today's figures are live.",
    of: (name: string) => `Figures of ${name}`,
    byCurrency: 'Over partners of different currencies, each value has one line per currency.',
    chart: (dimension: string) => `${dimension}: the first values`,
    download: 'Download CSV',
    downloadHint: 'The rows and columns of this table, as a spreadsheet file.',
    nothing: 'No clicks or conversions in this range.',
    attributedOnly: 'Conversions attributed to a click, by time from the click.',
  },
  {
    title: 'Rapports',
    dimension: 'Ventiler par',
    period: (from: string, to: string) => `${from} – ${to}`,
    live: "Les chiffres d'aujourd'hui sont en direct.",
    of: (name: string) => `Chiffres de ${name}`,
    byCurrency: 'Sur des partenaires de devises différentes, chaque valeur a une ligne par devise.',
    chart: (dimension: string) => `${dimension} : les premières valeurs`,
    download: 'Télécharger le CSV',
    downloadHint: 'Les lignes et colonnes de ce tableau, en fichier tableur.',
    nothing: 'Aucun clic ni conversion sur cette période.',
    attributedOnly: 'Conversions attribuées à un clic, selon le délai depuis le clic.',
  },
);

export type ReportsPageProps = {
  ui: Ui;
  values: RangeValues;
  dimension: ReportDimension;
  today: string;
  choices: readonly { id: string; name: string }[];
  /** The partner the figures are limited to, named for an admin who chose it. */
  partnerName: string | null;
  report: { period: Period; table: ReportTable; isMixed: boolean } | null;
  problem?: RangeProblem | null;
};

export function ReportsPage(props: ReportsPageProps) {
  const { ui, report, dimension } = props;
  const t = m[ui.lang];
  const names = tableMessages[ui.lang];
  return (
    <Layout ui={ui} title={t.title}>
      <RangeFilters
        ui={ui}
        action="/console/reports"
        values={props.values}
        partners={props.choices}
        today={props.today}
        problem={props.problem}
      >
        <div class="field">
          <label for="dimension">{t.dimension}</label>
          <select id="dimension" name="dimension">
            {REPORT_DIMENSIONS.map((d) => (
              <option value={d} selected={d === dimension}>
                {names[d]}
              </option>
            ))}
          </select>
        </div>
      </RangeFilters>
      {report && (
        <>
          <h2>{names[dimension]}</h2>
          <p>
            {props.partnerName && (
              <>
                <strong>{t.of(props.partnerName)}</strong>
                {' · '}
              </>
            )}
            {t.period(ui.fmt.date(report.period.from), ui.fmt.date(report.period.to))}.{' '}
            <span class="muted">
              {dimension === 'time' ? t.attributedOnly : t.live}
              {report.isMixed && ` ${t.byCurrency}`}
            </span>
          </p>
          {report.table.rows.length === 0 ? (
            <p class="muted">{t.nothing}</p>
          ) : (
            <>
              <BarChart
                id="report-chart"
                title={t.chart(names[dimension])}
                lang={ui.lang}
                bars={report.table.bars}
                format={ui.fmt.number}
                valueName={report.table.barName}
              />
              <p class="actions">
                <a class="button secondary" href={hrefWith(ui, { format: 'csv' })} download>
                  {t.download}
                </a>
                <span class="hint">{t.downloadHint}</span>
              </p>
              {/* Focusable, so that a table wider than a phone can be scrolled with the keyboard. */}
              <section class="table-wrap" tabindex={0} aria-labelledby="report-table-caption">
                <table id="report-table">
                  <caption id="report-table-caption">{names[dimension]}</caption>
                  <thead>
                    <tr>
                      {report.table.headers.map((h, i) => (
                        <th scope="col" class={isFigure(report.table, i) ? 'num' : undefined}>
                          {h}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {report.table.rows.map(([first, ...cells]) => (
                      <tr>
                        <th scope="row">{first ? shownCell(first, ui.fmt) : ''}</th>
                        {cells.map((cell) => (
                          <td class={cell.kind === 'text' ? undefined : 'num'}>{shownCell(cell, ui.fmt)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          )}
        </>
      )}
    </Layout>
  );
}

/** Whether a column holds figures (right-aligned, as its cells), from its first row. */
function isFigure(table: ReportTable, column: number): boolean {
  const kind = table.rows[0]?.[column]?.kind;
  return kind !== undefined && kind !== 'text';
}
