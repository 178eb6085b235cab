// The click archive in R2: gzip NDJSON objects per UTC day and shard, each written once and read back
// to verify it, a manifest per day, and the rewrite that erases a person from archived objects.
import { bloomFilterOf, mayHoldAny, probeOf } from '../domain/bloom-filter';
import {
  type ArchivedClick,
  type ArchiveManifest,
  type ArchiveObject,
  archiveManifestSchema,
  type ErasedPerson,
  emptyManifest,
  hexOf,
  identitiesOf,
  isRowOf,
  MANIFEST_PREFIX,
  manifestKey,
  ndjsonOf,
  rowsOfNdjson,
  scrubbedRow,
  shardKey,
  withObject,
} from '../domain/click-archive';

import { releaseLease, takeLease } from './job-state';
import type { Click } from './schema';

const encoder = new TextEncoder();

/** An object that did not read back as written: nothing it holds may be deleted from D1. */
export class ArchiveVerificationError extends Error {
  constructor(key: string, what: string) {
    super(`archive object ${key} failed verification: ${what}`);
    this.name = 'ArchiveVerificationError';
  }
}

/** The gzip bytes of `parts`, compressed as a stream (a shard's text never needs to exist whole). */
export async function gzipOf(parts: AsyncIterable<string> | Iterable<string>): Promise<Uint8Array> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const collected = new Response(stream.readable).arrayBuffer();
  for await (const part of parts) await writer.write(encoder.encode(part));
  await writer.close();
  return new Uint8Array(await collected);
}

/** The text of gzip bytes. */
export async function gunzipText(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return hexOf(await crypto.subtle.digest('SHA-256', bytes));
}

/** What a shard holds, as written. */
export type ShardContent = { rows: number; firstId: string; lastId: string; identities: string[] };

/**
 * Writes shard `shard` of `date` from `pages` of rows (in id order), reads it back and checks its
 * size, SHA-256, row count and first and last ids; answers its manifest entry. Throws
 * `ArchiveVerificationError` when the object read back differs: the caller deletes nothing then.
 * Writing the same rows again gives the same key and the same bytes.
 */
export async function writeShard(
  bucket: R2Bucket,
  date: string,
  shard: number,
  pages: AsyncIterable<ArchivedClick[]>,
): Promise<ArchiveObject> {
  const content: ShardContent = { rows: 0, firstId: '', lastId: '', identities: [] };
  async function* lines() {
    for await (const rows of pages) {
      if (rows.length === 0) continue;
      if (content.rows === 0) content.firstId = rows[0]!.id;
      content.lastId = rows[rows.length - 1]!.id;
      content.rows += rows.length;
      for (const identity of identitiesOf(rows)) content.identities.push(identity);
      yield ndjsonOf(rows);
    }
  }
  const bytes = await gzipOf(lines());
  if (content.rows === 0) throw new Error(`shard ${shard} of ${date} has no rows`);
  const key = shardKey(date, shard);
  const entry: ArchiveObject = {
    key,
    shard,
    rows: content.rows,
    firstId: content.firstId,
    lastId: content.lastId,
    bytes: bytes.byteLength,
    sha256: await sha256Hex(bytes),
    identities: await bloomFilterOf(content.identities),
  };
  await bucket.put(key, bytes, {
    httpMetadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
    customMetadata: { rows: String(entry.rows), sha256: entry.sha256 },
    sha256: entry.sha256,
  });
  await verifyObject(bucket, entry);
  return entry;
}

/**
 * Reads `entry`'s object back and checks it against the entry: byte size, SHA-256, then the rows
 * the gzip stream decompresses to (their count, first and last ids).
 */
export async function verifyObject(bucket: R2Bucket, entry: ArchiveObject): Promise<void> {
  const object = await bucket.get(entry.key);
  if (!object) throw new ArchiveVerificationError(entry.key, 'missing');
  const bytes = await object.arrayBuffer();
  if (bytes.byteLength !== entry.bytes) {
    throw new ArchiveVerificationError(entry.key, `${bytes.byteLength} bytes instead of ${entry.bytes}`);
  }
  if ((await sha256Hex(bytes)) !== entry.sha256) throw new ArchiveVerificationError(entry.key, 'checksum differs');
  let text: string;
  try {
    text = await gunzipText(bytes);
  } catch {
    throw new ArchiveVerificationError(entry.key, 'not a gzip stream');
  }
  // Lines are counted, and only the first and last parsed: the checksum already vouches for the rest.
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
  if (lines.length !== entry.rows) {
    throw new ArchiveVerificationError(entry.key, `${lines.length} rows instead of ${entry.rows}`);
  }
  if (idOfLine(lines[0]) !== entry.firstId || idOfLine(lines[lines.length - 1]) !== entry.lastId) {
    throw new ArchiveVerificationError(entry.key, 'first or last id differs');
  }
}

function idOfLine(line: string | undefined): unknown {
  try {
    return line === undefined ? undefined : (JSON.parse(line) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
}

/** The manifest of `date` and its etag, or an empty one (etag null) when the day has none yet. */
export async function readManifest(
  bucket: R2Bucket,
  date: string,
): Promise<{ manifest: ArchiveManifest; etag: string | null }> {
  const object = await bucket.get(manifestKey(date));
  if (!object) return { manifest: emptyManifest(date), etag: null };
  return { manifest: archiveManifestSchema.parse(await object.json()), etag: object.etag };
}

/**
 * Changes the manifest of `date` with `change`, read-modify-write: the write is conditional on the
 * etag read, and done again from a fresh read when another writer (the purge, an erasure) came
 * between.
 */
export async function updateManifest(
  bucket: R2Bucket,
  date: string,
  change: (manifest: ArchiveManifest) => ArchiveManifest,
): Promise<ArchiveManifest> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { manifest, etag } = await readManifest(bucket, date);
    const next = change(manifest);
    const body = JSON.stringify(next);
    const options: R2PutOptions = { httpMetadata: { contentType: 'application/json' } };
    if (etag !== null) options.onlyIf = { etagMatches: etag };
    const written = await bucket.put(manifestKey(date), body, options);
    if (written) return next;
  }
  throw new Error(`the manifest of ${date} kept changing under its update`);
}

/** Records `entry` in its day's manifest (in place of an earlier write of the same shard). */
export function recordObject(bucket: R2Bucket, date: string, entry: ArchiveObject): Promise<ArchiveManifest> {
  return updateManifest(bucket, date, (manifest) => withObject(manifest, entry));
}

/** The days the archive holds (their manifests' dates), oldest first. */
export async function archivedDays(bucket: R2Bucket): Promise<string[]> {
  const days: string[] = [];
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix: MANIFEST_PREFIX, delimiter: '/', cursor });
    for (const prefix of listing.delimitedPrefixes) days.push(prefix.slice(MANIFEST_PREFIX.length, -1));
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  return days.sort();
}

/**
 * Deletes the archive of `date`: its objects, then its manifest, so that a deletion cut short
 * leaves a manifest by which the next run finds the day again. Answers the objects deleted.
 */
export async function deleteArchivedDay(bucket: R2Bucket, date: string): Promise<number> {
  const prefix = `${MANIFEST_PREFIX}${date}/`;
  const manifest = manifestKey(date);
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix, cursor });
    const keys = listing.objects.map((o) => o.key).filter((key) => key !== manifest);
    if (keys.length > 0) await bucket.delete(keys);
    deleted += keys.length;
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  await bucket.delete(manifest);
  return deleted;
}

/** What an erasure did to the archive. */
export type ArchiveErasure = { rows: number; objectsRewritten: number; objectsRead: number; objectsSkipped: number };

/** An archived object whose identity filter may hold the person, with its rows. */
type Candidate = { date: string; entry: ArchiveObject; rows: ArchivedClick[] };

/**
 * The archive as one request reads it: each day's manifest read once, and each object read once
 * (per version), however many lookups the request makes. A reader sees the archive as it was
 * when first asked: a change made under the lease starts from a new one.
 */
export type ArchiveReader = {
  bucket: R2Bucket;
  manifests?: Promise<{ date: string; manifest: ArchiveManifest }[]>;
  rows: Map<string, Promise<ArchivedClick[]>>;
};

/** A new reader of `bucket`. */
export const archiveReader = (bucket: R2Bucket): ArchiveReader => ({ bucket, rows: new Map() });

/** Manifests read at once at most: a long archive is read a handful of days at a time. */
const MANIFEST_READS = 16;

function manifestsOf(reader: ArchiveReader) {
  reader.manifests ??= (async () => {
    const days = await archivedDays(reader.bucket);
    const out: { date: string; manifest: ArchiveManifest }[] = [];
    for (let i = 0; i < days.length; i += MANIFEST_READS) {
      const some = days.slice(i, i + MANIFEST_READS);
      const read = await Promise.all(
        some.map(async (date) => ({ date, manifest: (await readManifest(reader.bucket, date)).manifest })),
      );
      out.push(...read);
    }
    return out;
  })();
  return reader.manifests;
}

function rowsOfObject(reader: ArchiveReader, entry: ArchiveObject): Promise<ArchivedClick[]> {
  const version = `${entry.key}@${entry.sha256}`;
  let rows = reader.rows.get(version);
  if (!rows) {
    rows = (async () => {
      const object = await reader.bucket.get(entry.key);
      if (!object) throw new ArchiveVerificationError(entry.key, 'missing');
      return rowsOfNdjson(await gunzipText(await object.arrayBuffer()));
    })();
    reader.rows.set(version, rows);
  }
  return rows;
}

/**
 * Walks the archive, day by day, through the objects whose identity filter may hold one of the
 * person's visitor ids or uid hashes, reading only those; `onSkip` counts the others.
 */
async function* objectsThatMayHold(reader: ArchiveReader, person: ErasedPerson, onSkip: () => void) {
  const probes = await Promise.all([...person.visitorIds, ...person.uidHashes].map(probeOf));
  if (probes.length === 0) return;
  for (const { date, manifest } of await manifestsOf(reader)) {
    for (const entry of manifest.objects) {
      if (!mayHoldAny(entry.identities, probes)) {
        onSkip();
        continue;
      }
      yield { date, entry, rows: await rowsOfObject(reader, entry) } satisfies Candidate;
    }
  }
}

/** An archived click as D1 held it (its times back to dates), to be shown as any other click. */
export function clickOfArchived(row: ArchivedClick): Click {
  return {
    ...row,
    createdAt: new Date(row.createdAt as string),
    recordedAt: new Date(row.recordedAt as string),
  } as unknown as Click;
}

/**
 * The person's archived clicks (by visitor id or uid hash), as archived, oldest first: what an
 * access request must show beside what D1 still holds.
 * @example await archivedClicksOf(archiveReader(env.ARCHIVE), { visitorIds: new Set([vid]), uidHashes: new Set() }) // [{ id: 'clk_…', … }]
 */
export async function archivedClicksOf(reader: ArchiveReader, person: ErasedPerson): Promise<ArchivedClick[]> {
  const found: ArchivedClick[] = [];
  for await (const { rows } of objectsThatMayHold(reader, person, () => {})) {
    for (const row of rows) if (isRowOf(row, person)) found.push(row);
  }
  return found;
}

/**
 * Erases a person from the archived clicks: in each object whose identity filter may hold one of
 * their visitor ids or uid hashes, their rows lose `visitorId`, `uidHash`, `fingerprint` and
 * `userAgent` (the rest of each row stays); the object is written again (verified, with a fresh
 * checksum and filter) and its manifest entry replaced. Objects the filters rule out are not read.
 * Call it under the archive's lease (`underArchiveLease`): it rewrites objects from what it reads.
 * @example await eraseFromArchive(env.ARCHIVE, { visitorIds: new Set([vid]), uidHashes: new Set() }) // { rows: 3, ... }
 */
export async function eraseFromArchive(bucket: R2Bucket, person: ErasedPerson): Promise<ArchiveErasure> {
  const result: ArchiveErasure = { rows: 0, objectsRewritten: 0, objectsRead: 0, objectsSkipped: 0 };
  const reader = archiveReader(bucket);
  for await (const { date, entry, rows } of objectsThatMayHold(reader, person, () => result.objectsSkipped++)) {
    result.objectsRead++;
    let changed = 0;
    const scrubbed = rows.map((row) => {
      const clean = scrubbedRow(row, person);
      if (clean) changed++;
      return clean ?? row;
    });
    if (changed === 0) continue;
    const rewritten = await writeShard(
      bucket,
      date,
      entry.shard,
      (async function* () {
        yield scrubbed;
      })(),
    );
    await recordObject(bucket, date, rewritten);
    result.rows += changed;
    result.objectsRewritten++;
  }
  return result;
}

/** The lease every change to the archive is made under (`job_state`). */
export const ARCHIVE_LEASE = 'archive:lease';
/**
 * How long a holder may keep it: longer than a purge run's budget (20 s) and an erasure's passes,
 * short enough that one that crashed frees the archive soon.
 */
const ARCHIVE_LEASE_MS = 120_000;
const LEASE_POLL_MS = 250;

/**
 * Runs `change` holding the archive's lease: the purge and erasures rewrite shards and manifests
 * one at a time, so that no rewrite starts from a copy another is replacing (which would bring
 * back an erased person, or drop rows). Waits up to `waitMs` for the lease; null when it did not
 * get it in time (nothing was done).
 */
export async function underArchiveLease<T>(
  d1: D1Database,
  waitMs: number,
  change: () => Promise<T>,
): Promise<{ value: T } | null> {
  const owner = crypto.randomUUID();
  const deadline = Date.now() + waitMs;
  while (!(await takeLease(d1, ARCHIVE_LEASE, owner, ARCHIVE_LEASE_MS))) {
    if (Date.now() >= deadline) return null;
    await scheduler.wait(LEASE_POLL_MS);
  }
  try {
    return { value: await change() };
  } finally {
    await releaseLease(d1, ARCHIVE_LEASE, owner);
  }
}
