// ClickBuffer Durable Object: stores click batches durably, decides uniqueness, and writes clicks to D1 in bulk.
//
// Life of a click: an isolate sends a batch (one RPC); `record` describes each click (device,
// bot verdict, language, referrer host, uniqueness), appends the batch to this object's own
// SQLite storage and answers; the output gate holds the answer until the batch is durable, so
// an acknowledged click survives any restart. Batches are written to D1 when enough have
// piled up or by the alarm, about a second after the first one arrived, and deleted here only
// once D1 has accepted them. A failed write keeps them and the alarm retries with back-off.
// The user-agent parse and the bot verdict happen here, never on the redirect's response path.
import { DurableObject } from 'cloudflare:workers';
import { type ClickRow, insertClickRows } from '../db/clicks';
import { type BotVerdict, detectBot } from '../domain/bots';
import { type DeviceDescription, describeDevice } from '../domain/device';
import { parseAcceptLanguage } from '../domain/targeting';
import { readBatch, WIRE, type WireBatch, type WireClick } from '../services/click-recorder';

/** Delay between the first buffered click and the write to D1. */
export const ALARM_DELAY_MS = 1_000;
/** Buffered clicks that trigger a write at once, without waiting for the alarm. */
export const FLUSH_AT = 1_000;
/** A click is unique when its visitor made no unique click on the same link in this window. */
export const UNIQUE_WINDOW_MS = 86_400_000;
// D1 accepts strings up to 2 MB; statements stay well below.
const MAX_STATEMENT_BYTES = 500_000;
const MAX_ROWS_PER_WRITE = 250;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
const MAX_TEXT = 1_024;
// User agents repeat heavily (a few hundred cover most traffic), and ua-parser costs tens of
// microseconds: its verdicts are remembered, within a bound.
const MEMO_MAX = 5_000;

/** A batch as stored: its rows (a JSON array of click rows) and the windows its clicks opened. */
type PendingBatch = { seq: number; rows: string; n: number; windows: string };

/** A unique click's window: visitor, link (or `ref:<partner>`), start time. */
type Window = [string, string, number];

/**
 * About ALARM_DELAY_MS, give or take a fifth: shards filled by the same burst of traffic would
 * otherwise all write to D1 at the same moment, every second.
 */
const alarmDelay = () => Math.round(ALARM_DELAY_MS * (0.8 + Math.random() * 0.4));

const devices = new Map<string, DeviceDescription>();
const bots = new Map<string, BotVerdict>();
const languages = new Map<string, string | null>();

function memo<T>(map: Map<string, T>, key: string, compute: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= MEMO_MAX) map.clear();
    value = compute();
    map.set(key, value);
  }
  return value;
}

const text = (value: string | null | undefined, max = MAX_TEXT) =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : null;

const REFERRER_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]+)/i;

/** The host of a Referer header, lower-cased, or null when it has none. */
export function referrerHostOf(referer: string | null): string | null {
  const host = referer ? REFERRER_HOST.exec(referer)?.[1] : undefined;
  return host ? host.toLowerCase().slice(0, 253) : null;
}

export class ClickBuffer extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private alarmAt: number | null = null;
  private buffered = 0;
  private writing: Promise<void> | null = null;
  private failures = 0;
  private prunedAt = 0;
  /**
   * Windows opened by clicks still waiting here (`visitor\nlink` -> time): they reach the
   * `seen` table only with the D1 write that takes their clicks, so a batch costs no write
   * beyond its own row, and after a restart they are read back from `pending`.
   */
  private readonly recent = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, rows TEXT NOT NULL, n INTEGER NOT NULL,
        windows TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS seen (visitor TEXT NOT NULL, link TEXT NOT NULL, at INTEGER NOT NULL,
        PRIMARY KEY (visitor, link)) WITHOUT ROWID;
    `);
    for (const { n, windows } of this.sql.exec<{ n: number; windows: string }>('SELECT n, windows FROM pending')) {
      this.buffered += n;
      for (const [visitor, link, at] of JSON.parse(windows) as Window[]) this.recent.set(`${visitor}\n${link}`, at);
    }
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /**
   * Stores a batch of clicks; resolves once they are durable here (the D1 write comes later).
   * One write whatever the batch size (the batch itself), plus one read when returning
   * visitors need their history.
   * @example await stub.record(wireBatch([event])) // 1
   */
  async record(batch: WireBatch): Promise<number> {
    if (!Array.isArray(batch?.clicks) || batch.clicks.length === 0) return 0;
    const clicks = readBatch(batch);
    const { unique, opened } = this.openWindows(clicks);
    const rows: ClickRow[] = new Array(clicks.length);
    for (let i = 0; i < clicks.length; i++) rows[i] = this.rowOf(clicks[i]!, unique[i]!);
    this.sql.exec(
      'INSERT INTO pending (rows, n, windows) VALUES (?, ?, ?)',
      JSON.stringify(rows),
      rows.length,
      JSON.stringify(opened),
    );
    this.buffered += rows.length;
    if (this.alarmAt === null) {
      this.alarmAt = Date.now() + alarmDelay();
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
    if (this.buffered >= FLUSH_AT) {
      // Not awaited: the caller only needs the batch stored; a failure is retried by the alarm.
      this.write().catch((err) => console.error('click write to D1 failed', err));
    }
    return rows.length;
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    let failed = false;
    try {
      await this.write();
      this.failures = 0;
      this.prune(Date.now());
    } catch (err) {
      failed = true;
      this.failures++;
      console.error('click write to D1 failed', err);
    } finally {
      if (this.buffered > 0) {
        const delay = failed ? Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1)) : alarmDelay();
        this.alarmAt = Date.now() + delay;
        await this.ctx.storage.setAlarm(this.alarmAt);
      }
    }
  }

  /** Clicks stored here and not yet in D1 (tests and monitoring). */
  async pendingCount(): Promise<number> {
    return this.buffered;
  }

  /** Writes what is buffered to D1; one write at a time, later callers share the one under way. */
  private write(): Promise<void> {
    this.writing ??= this.writeBuffered().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  /**
   * Writes what was buffered when it started, in D1 transactions of about MAX_ROWS_PER_WRITE
   * clicks: D1 runs each one in a single go, and a smaller one holds up less of what shares the
   * database (and, locally, the thread). Clicks that arrive meanwhile wait for the next alarm.
   */
  private async writeBuffered(): Promise<void> {
    const until = this.sql.exec<{ last: number | null }>('SELECT max(seq) AS last FROM pending').one().last;
    if (until === null) return;
    for (;;) {
      const batches: PendingBatch[] = [];
      let rows = 0;
      for (const batch of this.sql.exec<PendingBatch>(
        'SELECT seq, rows, n, windows FROM pending WHERE seq <= ? ORDER BY seq',
        until,
      )) {
        if (rows > 0 && rows + batch.n > MAX_ROWS_PER_WRITE) break;
        batches.push(batch);
        rows += batch.n;
      }
      if (batches.length === 0) return;
      const statements: string[] = [];
      let current: string[] = [];
      let bytes = 0;
      for (const batch of batches) {
        if (bytes > 0 && bytes + batch.rows.length > MAX_STATEMENT_BYTES) {
          statements.push(`[${current.join(',')}]`);
          current = [];
          bytes = 0;
        }
        // Each stored batch is a JSON array: its inside joins with others' into one array.
        current.push(batch.rows.slice(1, -1));
        bytes += batch.rows.length;
      }
      statements.push(`[${current.join(',')}]`);
      await insertClickRows(this.env.DB, statements);
      this.forget(batches);
      this.buffered -= rows;
      // A chain of D1 calls never leaves the event loop idle, and an idle loop is when workerd
      // reads the network: without a pause, the requests that arrive meanwhile wait for the
      // whole backlog, not just one transaction.
      await scheduler.wait(1);
    }
  }

  /**
   * Drops batches D1 has accepted. Batches stored meanwhile have higher sequence numbers. The
   * windows their clicks opened move to `seen` in the same transaction, so none is ever lost.
   */
  private forget(batches: PendingBatch[]): void {
    const windows = batches.filter((b) => b.windows !== '[]').map((b) => b.windows.slice(1, -1));
    if (windows.length > 0) {
      this.sql.exec(
        `INSERT INTO seen (visitor, link, at) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) WHERE true
         ON CONFLICT (visitor, link) DO UPDATE SET at = max(at, excluded.at)`,
        `[${windows.join(',')}]`,
      );
      for (const batch of batches) {
        for (const [visitor, link, at] of JSON.parse(batch.windows) as Window[]) {
          const key = `${visitor}\n${link}`;
          if (this.recent.get(key) === at) this.recent.delete(key);
        }
      }
    }
    this.sql.exec('DELETE FROM pending WHERE seq <= ?', batches[batches.length - 1]!.seq);
  }

  private rowOf(c: WireClick, isUnique: boolean): ClickRow {
    const ua = text(c[WIRE.userAgent] as string | null);
    const device = ua === null ? describeDevice(null) : memo(devices, ua, () => describeDevice(ua));
    const accept = c[WIRE.accept] as string | null;
    const secChUa = c[WIRE.secChUa] as string | null;
    const purpose = c[WIRE.purpose] as string | null;
    const bot = memo(bots, `${ua}\n${accept}\n${secChUa}\n${purpose}`, () =>
      detectBot(ua, { accept, secChUa, purpose }),
    );
    const acceptLanguage = c[WIRE.acceptLanguage] as string | null;
    const language =
      acceptLanguage === null
        ? null
        : memo(languages, acceptLanguage, () => parseAcceptLanguage(acceptLanguage)[0] ?? null);
    const sub = WIRE.sub1;
    // In the order of CLICK_ROW_COLUMNS.
    return [
      c[WIRE.id]!,
      c[WIRE.linkId]!,
      c[WIRE.partnerId]!,
      c[WIRE.at]!,
      c[WIRE.visitorId]!,
      bot.isBot ? 1 : 0,
      bot.reason,
      isUnique ? 1 : 0,
      device.device,
      device.os,
      device.browser,
      text(c[WIRE.country] as string | null, 8),
      language,
      referrerHostOf(c[WIRE.referer] as string | null),
      ua,
      text(c[sub] as string | null, 256),
      text(c[sub + 1] as string | null, 256),
      text(c[sub + 2] as string | null, 256),
      text(c[sub + 3] as string | null, 256),
      text(c[sub + 4] as string | null, 256),
      c[WIRE.utmSource] ?? null,
      c[WIRE.utmMedium] ?? null,
      c[WIRE.utmCampaign] ?? null,
      c[WIRE.placement] ?? null,
      c[WIRE.variant] ?? 'default',
      text(c[WIRE.destination] as string | null, 4_096) ?? '',
      c[WIRE.deepLinkRefused] ? 1 : 0,
      c[WIRE.uidHash] ?? null,
      c[WIRE.fingerprint] ?? null,
      c[WIRE.referralCode] ?? null,
      c[WIRE.source] ?? 'link',
    ];
  }

  /**
   * Which clicks open a new 24-hour window for their visitor and link, that is, are unique. A
   * visitor minted for the click has no history; others are looked up among the windows opened
   * by clicks still here, then in the `seen` table (one query for the whole batch).
   */
  private openWindows(clicks: WireClick[]): { unique: boolean[]; opened: Window[] } {
    const keys = clicks.map((c) => `${c[WIRE.visitorId]}\n${(c[WIRE.linkId] as string) || `ref:${c[WIRE.partnerId]}`}`);
    const lookup: string[][] = [];
    for (let i = 0; i < clicks.length; i++) {
      if (!clicks[i]![WIRE.isNewVisitor] && !this.recent.has(keys[i]!)) lookup.push(keys[i]!.split('\n'));
    }
    const known = new Map<string, number>();
    if (lookup.length > 0) {
      const rows = this.sql.exec<{ visitor: string; link: string; at: number }>(
        `SELECT visitor, link, at FROM seen WHERE (visitor, link) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?1))`,
        JSON.stringify(lookup),
      );
      for (const { visitor, link, at } of rows) known.set(`${visitor}\n${link}`, at);
    }
    const unique: boolean[] = new Array(clicks.length);
    const opened: Window[] = [];
    for (let i = 0; i < clicks.length; i++) {
      const key = keys[i]!;
      const at = clicks[i]![WIRE.at] as number;
      const last = this.recent.get(key) ?? known.get(key);
      const isUnique = last === undefined || at - last >= UNIQUE_WINDOW_MS;
      unique[i] = isUnique;
      if (isUnique) {
        this.recent.set(key, at);
        const cut = key.indexOf('\n');
        opened.push([key.slice(0, cut), key.slice(cut + 1), at]);
      }
    }
    return { unique, opened };
  }

  private prune(nowMs: number): void {
    if (nowMs - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = nowMs;
    this.sql.exec('DELETE FROM seen WHERE at <= ?', nowMs - UNIQUE_WINDOW_MS);
  }
}
