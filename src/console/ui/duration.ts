// How long something took (from a click to its conversion, say), in the largest units that say it.
import type { Format } from './locale';

/**
 * A duration in seconds, minutes, hours or days, with its figures in the page's language.
 * @example durationOf(formatOf('en', 'UTC'), 4_500_000) // "1 h 15 min"
 */
export function durationOf(fmt: Format, ms: number): string {
  const seconds = Math.round(ms / 1000);
  const n = fmt.number;
  if (seconds < 60) return `${n(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${n(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${n(hours)} h ${n(minutes % 60)} min`;
  const day = fmt.lang === 'fr' ? 'j' : 'd';
  return `${n(Math.floor(hours / 24))} ${day} ${n(hours % 24)} h`;
}
