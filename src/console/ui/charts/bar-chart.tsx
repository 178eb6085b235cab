// A horizontal bar chart (top partners, links, sources), drawn on the server as SVG, with its figures in a table.
import type { Lang } from '../locale';
import { chartMessages } from './chart-messages';
import { niceCeiling } from './scale';

export type Bar = { label: string; value: number };

export type BarChartProps = {
  id: string;
  title: string;
  lang: Lang;
  bars: Bar[];
  format: (value: number) => string;
  /** The heading of the value column in the table. */
  valueName: string;
};

const WIDTH = 640;
const ROW = 26;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 90;
const MAX_LABEL = 28;

const clip = (label: string) => (label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label);

/** Bars in the order given, their lengths to scale, each label and value written beside it. */
export function BarChart(props: BarChartProps) {
  const t = chartMessages[props.lang];
  const { bars, format } = props;
  const top = niceCeiling(Math.max(0, ...bars.map((b) => b.value)));
  const height = Math.max(1, bars.length) * ROW + 8;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const description = bars.length === 0 ? t.noData : bars.map((b) => `${b.label}: ${format(b.value)}`).join('; ');
  return (
    <figure class="chart">
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`}>
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{description}</desc>
        {bars.map((bar, i) => {
          const y = 4 + i * ROW;
          const length = Math.round((Math.max(0, bar.value) / top) * barSpace * 10) / 10;
          return (
            <g>
              <text class="bar-label" x={LABEL_WIDTH - 8} y={y + ROW / 2 + 4} text-anchor="end">
                {clip(bar.label)}
              </text>
              <rect class="bar" x={LABEL_WIDTH} y={y + 3} width={length} height={ROW - 8} rx={2} />
              <text class="bar-label" x={LABEL_WIDTH + length + 6} y={y + ROW / 2 + 4}>
                {format(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t.figures}</summary>
        {/* Focusable, so that a table wider than a phone can be scrolled with the keyboard. */}
        <section class="table-wrap" tabindex={0} aria-label={props.title}>
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{'\u00a0'}</th>
                <th scope="col" class="num">
                  {props.valueName}
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.map((bar) => (
                <tr>
                  <th scope="row">{bar.label}</th>
                  <td class="num">{format(bar.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </details>
    </figure>
  );
}
