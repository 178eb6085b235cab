// A line chart of one or more series over time, drawn on the server as SVG, with its figures in a table.
import type { Lang } from '../locale';
import { chartMessages } from './chart-messages';
import { labelIndexes, valueAxis } from './scale';

export type Series = { name: string; values: number[] };

export type TimeSeriesProps = {
  /** Unique on the page: the SVG's title and description are referred to by it. */
  id: string;
  title: string;
  lang: Lang;
  /** One label per point (a day, an hour), already written for the page's language. */
  labels: string[];
  series: Series[];
  /** How a value reads (a count, an amount of money). */
  format: (value: number) => string;
  /** Money or a share rather than a count: the axis may then have ticks between whole numbers. */
  isFractional?: boolean;
};

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };
const Y_TICKS = 4;
const X_LABELS = 6;

/** Coordinates of each point of a series in the plot area. */
function pointsOf(values: number[], top: number): [number, number][] {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const stepX = values.length > 1 ? plotWidth / (values.length - 1) : 0;
  return values.map((value, i) => [
    round(PAD.left + (values.length > 1 ? i * stepX : plotWidth / 2)),
    round(PAD.top + plotHeight - (value / top) * plotHeight),
  ]);
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The first and last labels of the time axis are anchored inside the plot, so that neither is cut off. */
function anchorOf(index: number, count: number): 'start' | 'middle' | 'end' {
  if (count > 1 && index === 0) return 'start';
  if (count > 1 && index === count - 1) return 'end';
  return 'middle';
}

/**
 * A time series: the SVG (`role="img"` with a `<title>` and a `<desc>` that says what it shows)
 * and, below it, the same figures in a table for whoever cannot see the drawing.
 */
export function TimeSeriesChart(props: TimeSeriesProps) {
  const t = chartMessages[props.lang];
  const { labels, series, format } = props;
  const axis = valueAxis(Math.max(0, ...series.flatMap((s) => s.values)), Y_TICKS, !props.isFractional);
  const top = axis.top;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const xs = pointsOf(
    labels.map(() => 0),
    top,
  ).map(([x]) => x);
  const description = series
    .map((s) => {
      const total = s.values.reduce((sum, v) => sum + v, 0);
      const peak = s.values.reduce((best, v, i) => (v > (s.values[best] ?? 0) ? i : best), 0);
      const highest = s.values.length > 0 ? `, ${t.highest(labels[peak] ?? '', format(s.values[peak] ?? 0))}` : '';
      return `${s.name}: ${t.total.toLowerCase()} ${format(total)}${highest}`;
    })
    .join('; ');
  return (
    <figure class="chart">
      <figcaption id={`${props.id}-caption`}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{labels.length === 0 ? t.noData : description}</desc>
        {axis.ticks.map((tick) => {
          const y = round(PAD.top + plotHeight - (tick / top) * plotHeight);
          return (
            <g>
              <line class="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} />
              <text class="tick" x={PAD.left - 6} y={y + 4} text-anchor="end">
                {format(tick)}
              </text>
            </g>
          );
        })}
        {labelIndexes(labels.length, X_LABELS).map((i) => (
          <text class="tick" x={xs[i] ?? PAD.left} y={HEIGHT - 8} text-anchor={anchorOf(i, labels.length)}>
            {labels[i]}
          </text>
        ))}
        {series.map((s, index) => {
          const points = pointsOf(s.values, top);
          return points.length === 1 ? (
            <circle class={`s${index % 4}`} cx={points[0]![0]} cy={points[0]![1]} r={4} />
          ) : (
            <polyline class={`series s${index % 4}`} points={points.map(([x, y]) => `${x},${y}`).join(' ')} />
          );
        })}
      </svg>
      {series.length > 1 && (
        <ul class="legend" aria-hidden="true">
          {series.map((s, index) => (
            <li>
              <span class={`swatch s${index % 4}`} />
              {s.name}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t.figures}</summary>
        {/* Focusable, so that a table wider than a phone can be scrolled with the keyboard. */}
        <section class="table-wrap" tabindex={0} aria-label={props.title}>
          <table>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{'\u00a0'}</th>
                {series.map((s) => (
                  <th scope="col" class="num">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td class="num">{format(s.values[i] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </details>
    </figure>
  );
}
