// The click archive's shape: object keys, UTC days as id ranges, NDJSON lines, the manifest, and erasure's scrub.
import { z } from 'zod';
import { DAY_MS } from './aggregation';
import type { BloomFilter } from './bloom-filter';
import { ulidFloor, ulidTime } from './ids';

/**
 * Rows per archive object at most: a day of heavy traffic is cut into shards of this many. About
 * 10 MB of NDJSON (1 MB gzipped): an erasure reads, scrubs and writes a shard whole, and that must
 * stay far inside an isolate's 128 MB.
 */
export const ARCHIVE_SHARD_ROWS = 10_000;
/** The version of the manifest's layout, written into each. */
export const MANIFEST_VERSION = 1;

/** The columns erasure clears: what identifies a person or their browser. The rest is kept. */
export const IDENTIFYING_COLUMNS = ['visitorId', 'uidHash', 'fingerprint', 'userAgent'] as const;

/** One archived click: every column of `clicks`, named as the API and drizzle name them, times ISO 8601. */
export type ArchivedClick = Record<string, string | number | boolean | null> & {
  id: string;
  visitorId: string | null;
  uidHash: string | null;
};

const bloomSchema = z.object({ bits: z.string(), m: z.number().int().positive(), k: z.number().int().positive() });

/** One object of a day: which clicks it holds and how to check its bytes. */
export const archiveObjectSchema = z.object({
  key: z.string(),
  shard: z.number().int().nonnegative(),
  rows: z.number().int().positive(),
  firstId: z.string(),
  lastId: z.string(),
  bytes: z.number().int().positive(),
  /** SHA-256 of the object's bytes (the gzip stream), lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The visitor ids and uid hashes of its rows, so that erasure reads only the objects that may hold a person. */
  identities: bloomSchema,
});

/** A day's manifest, `clicks/<date>/manifest.json`: its objects in id order. */
export const archiveManifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  objects: z.array(archiveObjectSchema),
});

export type ArchiveObject = z.infer<typeof archiveObjectSchema>;
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;
export type { BloomFilter };

/**
 * The key of shard `shard` of UTC day `date`.
 * @example shardKey('2026-09-01', 0) // 'clicks/2026-09-01/000.ndjson.gz'
 */
export function shardKey(date: string, shard: number): string {
  return `clicks/${date}/${String(shard).padStart(3, '0')}.ndjson.gz`;
}

/** @example manifestKey('2026-09-01') // 'clicks/2026-09-01/manifest.json' */
export function manifestKey(date: string): string {
  return `clicks/${date}/manifest.json`;
}

/** The prefix under which every manifest lies (`list` it to walk the archive's days). */
export const MANIFEST_PREFIX = 'clicks/';

/**
 * The UTC day of a click id (a ULID of the click time), or null for an id that is not one.
 * @example dayOfClickId('01K3ZC2Z800000000000000000') // '2025-08-31'
 */
export function dayOfClickId(id: string): string | null {
  const ms = ulidTime(id);
  return ms === null ? null : new Date(ms - (ms % DAY_MS)).toISOString().slice(0, 10);
}

/** The ids of UTC day `date`: from `startId` (included) to `endId` (excluded). */
export function dayIdRange(date: string): { startId: string; endId: string; startMs: number; endMs: number } {
  const startMs = Date.parse(`${date}T00:00:00Z`);
  const endMs = startMs + DAY_MS;
  return { startId: ulidFloor(startMs), endId: ulidFloor(endMs), startMs, endMs };
}

/**
 * The first UTC day whose clicks are still to be kept: a day leaves D1 once all of it is older
 * than `retentionDays`, so clicks stay between `retentionDays` and one day more.
 * @example firstKeptDay(Date.parse('2026-12-06T08:00:00Z'), 90) // '2026-09-07'
 */
export function firstKeptDay(nowMs: number, retentionDays: number): string {
  const cutoffMs = nowMs - retentionDays * DAY_MS;
  return new Date(cutoffMs - (cutoffMs % DAY_MS)).toISOString().slice(0, 10);
}

/** The NDJSON text of rows: one JSON object a line, each line ended by a newline. */
export function ndjsonOf(rows: readonly object[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}

/** The rows of an NDJSON text (blank lines skipped). */
export function rowsOfNdjson(text: string): ArchivedClick[] {
  const rows: ArchivedClick[] = [];
  for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as ArchivedClick);
  return rows;
}

/** The identifiers of rows a filter is built from: their visitor ids and uid hashes. */
export function identitiesOf(rows: readonly ArchivedClick[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (row.visitorId) out.push(row.visitorId);
    if (row.uidHash) out.push(row.uidHash);
  }
  return out;
}

/** Whom erasure looks for: visitor ids and keyed hashes of app user ids (`uid_hash`). */
export type ErasedPerson = { visitorIds: ReadonlySet<string>; uidHashes: ReadonlySet<string> };

/** Whether `row` is one of `person`'s clicks: their visitor id or their uid hash is on it. */
export function isRowOf(row: ArchivedClick, person: ErasedPerson): boolean {
  return (
    (row.visitorId !== null && person.visitorIds.has(row.visitorId)) ||
    (row.uidHash !== null && person.uidHashes.has(row.uidHash))
  );
}

/**
 * `row` with its identifying columns cleared when it belongs to `person` (by visitor id or uid
 * hash), else null: a row of someone else is left as it is.
 */
export function scrubbedRow(row: ArchivedClick, person: ErasedPerson): ArchivedClick | null {
  if (!isRowOf(row, person)) return null;
  const out: ArchivedClick = { ...row };
  for (const column of IDENTIFYING_COLUMNS) out[column] = null;
  return out;
}

/** The manifest with `entry` in place of the object of the same shard (or added), objects kept in shard order. */
export function withObject(manifest: ArchiveManifest, entry: ArchiveObject): ArchiveManifest {
  const objects = manifest.objects.filter((o) => o.shard !== entry.shard);
  objects.push(entry);
  objects.sort((a, b) => a.shard - b.shard);
  return { ...manifest, objects };
}

/** An empty manifest of `date`. */
export function emptyManifest(date: string): ArchiveManifest {
  return { version: MANIFEST_VERSION, date, objects: [] };
}

/** The hex text of bytes (a checksum). */
export function hexOf(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
