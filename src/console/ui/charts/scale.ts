// Axis arithmetic shared by the charts: a rounded top for the value axis and evenly spaced ticks.

/**
 * The smallest "round" number (1, 2 or 5 times a power of ten) at or above `max`, so that the
 * axis ends on a figure a person reads at a glance; 1 for an empty or all-zero series.
 * @example niceCeiling(0.4) // 0.5; niceCeiling(1234) // 2000
 */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/**
 * The value axis of a chart: about `count` steps of a round size (1, 2 or 5 times a power of
 * ten), whole numbers only when the figures are counts, up to the first tick at or above `max`.
 * @example valueAxis(3, 4, true) // { top: 3, ticks: [0, 1, 2, 3] }
 * @example valueAxis(1234, 4, false) // { top: 1500, ticks: [0, 500, 1000, 1500] }
 */
export function valueAxis(max: number, count: number, isCount: boolean): { top: number; ticks: number[] } {
  const rough = max > 0 ? max / count : 1;
  let step = niceCeiling(rough);
  if (isCount) step = Math.max(1, Math.round(step));
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  // Multiplied rather than added up, so that 0.1 steps do not drift into 0.30000000000000004.
  const ticks = Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { top: ticks[ticks.length - 1]!, ticks };
}

/**
 * At most `count` indexes out of `length`, evenly spread and always including the first and
 * the last: where the labels of a long time axis go.
 * @example labelIndexes(31, 4) // [0, 10, 20, 30]
 */
export function labelIndexes(length: number, count: number): number[] {
  if (length <= 0) return [];
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const last = length - 1;
  const steps = Math.max(1, count - 1);
  const picked = new Set<number>();
  for (let i = 0; i <= steps; i++) picked.add(Math.round((i * last) / steps));
  return [...picked];
}
