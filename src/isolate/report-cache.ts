// Finished days' figures that reports read, kept in the isolate while the aggregates keep their
// version: the console's pages are viewed again and again, and 90 days of 20 partners are tens of
// thousands of index entries for D1 to read each time.
//
// Exact, not merely recent: every rebuild of aggregates or breakdowns gives them a new version in
// the same transaction (src/db/reports.ts), and a page reads the version with its other queries.
// Figures read live (today's) are never kept.
import { BoundedMap } from '../lib/bounded-map';

type Held = { version: string; rows: unknown[][] };

// A hundred pages' worth: an entry is a few hundred rows of sums at most.
const held = new BoundedMap<string, Held>(100);
/** The version this isolate last read. */
let lastVersion: string | null = null;

/**
 * The rows kept under `key` for the version this isolate last read: a page may leave their
 * queries out of its batch, then check the version the batch answers (`heldRows`).
 */
export function rowsToReuse(key: string): Held | undefined {
  const entry = held.get(key);
  return entry !== undefined && entry.version === lastVersion ? entry : undefined;
}

/** The rows kept under `key`, if they were read under `version`. */
export function heldRows(key: string, version: string): unknown[][] | undefined {
  lastVersion = version;
  const entry = held.get(key);
  return entry?.version === version ? entry.rows : undefined;
}

/** Keeps rows read under `version`. */
export function holdRows(key: string, version: string, rows: unknown[][]): void {
  lastVersion = version;
  held.set(key, { version, rows });
}
