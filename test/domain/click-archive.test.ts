import { describe, expect, it } from 'vitest';
import {
  type ArchivedClick,
  archiveManifestSchema,
  dayIdRange,
  dayOfClickId,
  emptyManifest,
  firstKeptDay,
  manifestKey,
  ndjsonOf,
  rowsOfNdjson,
  scrubbedRow,
  shardKey,
  withObject,
} from '../../src/domain/click-archive';
import { newClickId, ulidFloor } from '../../src/domain/ids';

describe('archive keys', () => {
  it('name a shard by its day and a three-digit number, and the day its manifest', () => {
    expect(shardKey('2026-09-01', 0)).toBe('clicks/2026-09-01/000.ndjson.gz');
    expect(shardKey('2026-09-01', 12)).toBe('clicks/2026-09-01/012.ndjson.gz');
    expect(manifestKey('2026-09-01')).toBe('clicks/2026-09-01/manifest.json');
  });
});

describe('days of click ids', () => {
  it('are the UTC days of the time in the id', () => {
    expect(dayOfClickId(newClickId(Date.parse('2026-09-01T00:00:00Z')))).toBe('2026-09-01');
    expect(dayOfClickId(newClickId(Date.parse('2026-09-01T23:59:59.999Z')))).toBe('2026-09-01');
    expect(dayOfClickId('not-a-ulid')).toBeNull();
  });

  it('are id ranges holding every id of the day and none other', () => {
    const { startId, endId } = dayIdRange('2026-09-01');
    const first = newClickId(Date.parse('2026-09-01T00:00:00Z'));
    const last = newClickId(Date.parse('2026-09-01T23:59:59.999Z'));
    expect(startId <= first && last < endId).toBe(true);
    expect(newClickId(Date.parse('2026-08-31T23:59:59.999Z')) < startId).toBe(true);
    expect(newClickId(Date.parse('2026-09-02T00:00:00Z')) >= endId).toBe(true);
    expect(ulidFloor(0)).toBe('0'.repeat(26));
  });

  it('leave D1 once wholly older than the retention', () => {
    expect(firstKeptDay(Date.parse('2026-12-06T08:00:00Z'), 90)).toBe('2026-09-07');
    expect(firstKeptDay(Date.parse('2026-12-06T00:00:00Z'), 90)).toBe('2026-09-07');
    expect(firstKeptDay(Date.parse('2026-12-05T23:59:59Z'), 90)).toBe('2026-09-06');
  });
});

describe('archive lines', () => {
  const row = (id: string, visitorId: string | null, uidHash: string | null): ArchivedClick => ({
    id,
    visitorId,
    uidHash,
    fingerprint: 'fp',
    userAgent: 'UA',
    country: 'FR',
    isBot: false,
    createdAt: '2026-09-01T10:00:00.000Z',
  });

  it('are one JSON object a line, read back as written', () => {
    const rows = [row('A', 'v1', null), row('B', null, 'h1')];
    expect(ndjsonOf(rows)).toBe(`${JSON.stringify(rows[0])}\n${JSON.stringify(rows[1])}\n`);
    expect(rowsOfNdjson(ndjsonOf(rows))).toEqual(rows);
  });

  it("lose a person's identifiers on erasure, by visitor id or uid hash, and keep the rest", () => {
    const person = { visitorIds: new Set(['v1']), uidHashes: new Set(['h1']) };
    const cleared = { visitorId: null, uidHash: null, fingerprint: null, userAgent: null };
    expect(scrubbedRow(row('A', 'v1', null), person)).toEqual({ ...row('A', 'v1', null), ...cleared });
    expect(scrubbedRow(row('B', 'v2', 'h1'), person)).toEqual({ ...row('B', 'v2', 'h1'), ...cleared });
    expect(scrubbedRow(row('C', 'v2', 'h2'), person)).toBeNull();
  });
});

describe('manifests', () => {
  it('keep one entry per shard, in shard order', () => {
    const entry = (shard: number, rows: number) => ({
      key: shardKey('2026-09-01', shard),
      shard,
      rows,
      firstId: 'A',
      lastId: 'B',
      bytes: 10,
      sha256: '0'.repeat(64),
      identities: { bits: 'AA', m: 64, k: 7 },
    });
    let manifest = withObject(emptyManifest('2026-09-01'), entry(1, 5));
    manifest = withObject(manifest, entry(0, 5));
    manifest = withObject(manifest, entry(1, 4));
    expect(manifest.objects.map((o) => [o.shard, o.rows])).toEqual([
      [0, 5],
      [1, 4],
    ]);
    expect(archiveManifestSchema.parse(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
    expect(() => archiveManifestSchema.parse({ ...manifest, version: 2 })).toThrow();
  });
});
