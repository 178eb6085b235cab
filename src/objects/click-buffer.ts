// ClickBuffer Durable Object: stores click batches durably and writes clicks to D1 in bulk.
//
// Life of a click: an isolate sends a batch (one RPC); `record` describes each click (device,
// bot verdict, language, referrer host, whether D1 must settle its uniqueness), appends the
// batch to this object's own SQLite storage as one row and answers; the output gate holds the
// answer until the batch is durable, so an acknowledged click survives any restart. Batches are
// written to D1 when enough have piled up or by the alarm, about a second after the first one
// arrived, and deleted here only once D1 has accepted them. A failed write keeps them and the
// alarm retries with back-off. Stored batches are also kept in memory (up to QUEUE_MAX_ROWS
// clicks), so that writing them reads nothing back from storage: per batch, storage sees one
// insert and, per D1 write, one delete. The user-agent parse and the bot verdict happen here,
// never on the redirect's response path.
import { DurableObject } from 'cloudflare:workers';
import { type ClickRow, insertClickRows } from '../db/clicks';
import { type BotVerdict, detectBot } from '../domain/bots';
import { readBatch, WIRE, type WireClick, type WireText } from '../domain/click-wire';
import { type DeviceDescription, describeDevice } from '../domain/device';
import { parseAcceptLanguage } from '../domain/targeting';
import { REFUSED_ALARM_RETRY_MS, refusalOf } from '../isolate/configuration';
import { BoundedMap } from '../lib/bounded-map';

/** Delay between the first buffered click and the write to D1. */
export const ALARM_DELAY_MS = 1_000;
/** Buffered clicks that trigger a write at once, without waiting for the alarm. */
export const FLUSH_AT = 1_000;
/**
 * A click is unique when its visitor made no unique click on the same link in this window.
 * A visitor minted for the click has no history: its click is unique. A returning visitor's is
 * written as not unique and settled by the D1 transaction that writes it, against the clicks
 * already there (see `insertClickRows`): the history lives in D1, not here.
 */
export const UNIQUE_WINDOW_MS = 86_400_000;
/** Stored clicks also held in memory; a longer backlog (D1 down for a while) is read back from storage. */
export const QUEUE_MAX_ROWS = 20_000;
// D1 accepts strings up to 2 MB; statements stay well below.
const MAX_STATEMENT_BYTES = 500_000;
const MAX_ROWS_PER_WRITE = 250;
/**
 * Pause between two D1 transactions of a backlog. A chain of D1 calls never leaves the event loop
 * idle, and an idle loop is when workerd reads the network: without a pause, the requests that
 * arrive meanwhile wait for the whole backlog. One millisecond was too short for them under the
 * bench's load (two builds loaded in turn in one workerd: p99 41 and 42 ms with 1 ms, 30 and 35 ms
 * with 5 ms). On Cloudflare a transaction's round trip outlasts the pause, so a backlog still
 * drains nearly as fast.
 */
const WRITE_PAUSE_MS = 5;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;
const MAX_TEXT = 1_024;
// User agents repeat heavily (a few hundred cover most traffic), and ua-parser costs tens of
// microseconds: its verdicts are remembered, within a bound.
const MEMO_MAX = 5_000;

/**
 * A stored batch: its click rows (a JSON array) and the clicks whose uniqueness D1 must settle
 * (a JSON array of `[click id, visitor and link]`).
 */
type StoredBatch = { seq: number; rows: string; n: number; checks: string };

/**
 * About ALARM_DELAY_MS, give or take a fifth: shards filled by the same burst of traffic would
 * otherwise all write to D1 at the same moment, every second.
 */
const alarmDelay = () => Math.round(ALARM_DELAY_MS * (0.8 + Math.random() * 0.4));

// Lookups that build nothing when they hit: no key strings, no closures, on every click.
const devices = new BoundedMap<string, DeviceDescription>(MEMO_MAX);
const languages = new BoundedMap<string, string | null>(MEMO_MAX);
/** Bot verdicts by user agent, then by the other headers that sway them (a few per user agent). */
const bots = new BoundedMap<string, BotEntry[]>(MEMO_MAX);
type BotEntry = { accept: string | null; secChUa: string | null; purpose: string | null; verdict: BotVerdict };
const MAX_BOT_ENTRIES_PER_AGENT = 16;
// No header value holds a line feed: this key cannot be a real user agent.
const NO_USER_AGENT = '\n';

function botVerdict(ua: string | null, accept: string | null, secChUa: string | null, purpose: string | null) {
  const key = ua ?? NO_USER_AGENT;
  let entries = bots.get(key);
  if (entries !== undefined) {
    for (const e of entries) {
      if (e.accept === accept && e.secChUa === secChUa && e.purpose === purpose) return e.verdict;
    }
  } else {
    entries = [];
    bots.set(key, entries);
  }
  const verdict = detectBot(ua, { accept, secChUa, purpose });
  if (entries.length >= MAX_BOT_ENTRIES_PER_AGENT) entries.shift();
  entries.push({ accept, secChUa, purpose, verdict });
  return verdict;
}

const firstLanguage = (acceptLanguage: string) => parseAcceptLanguage(acceptLanguage)[0] ?? null;

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
  private nextSeq = 1;
  /** Stored batches not yet in D1, oldest first: all of them, unless `spilled`. */
  private queue: StoredBatch[] = [];
  private queuedRows = 0;
  /** Batches after the queue's are in storage only; the queue is refilled from there once drained. */
  private spilled = false;
  /** Highest sequence number written to D1. */
  private writtenSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS batches (seq INTEGER PRIMARY KEY, rows TEXT NOT NULL, n INTEGER NOT NULL,
        checks TEXT NOT NULL);
    `);
    for (const batch of this.sql.exec<StoredBatch>('SELECT seq, rows, n, checks FROM batches ORDER BY seq')) {
      if (this.buffered === 0) this.writtenSeq = batch.seq - 1;
      this.buffered += batch.n;
      this.nextSeq = batch.seq + 1;
      this.enqueue(batch);
    }
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /**
   * Stores a batch of clicks; resolves once they are durable here (the D1 write comes later).
   * One storage write whatever the batch size: the batch itself.
   * @example await stub.record(wireBatch([event])) // 1
   */
  async record(sent: WireText): Promise<number> {
    const refusal = refusalOf(this.env);
    if (refusal !== null) throw refusal;
    const clicks = readBatch(sent);
    if (clicks.length === 0) return 0;
    const seq = this.nextSeq++;
    const rows: ClickRow[] = new Array(clicks.length);
    const checks: [string, string][] = [];
    for (let i = 0; i < clicks.length; i++) {
      const c = clicks[i]!;
      const isNewVisitor = c[WIRE.isNewVisitor] === 1;
      if (!isNewVisitor) {
        // A referral without a link counts per partner.
        checks.push([c[WIRE.id] as string, `${c[WIRE.visitorId]}\n${c[WIRE.linkId] || `ref:${c[WIRE.partnerId]}`}`]);
      }
      rows[i] = this.rowOf(c, isNewVisitor);
    }
    const stored: StoredBatch = { seq, rows: JSON.stringify(rows), n: rows.length, checks: JSON.stringify(checks) };
    this.sql.exec(
      'INSERT INTO batches (seq, rows, n, checks) VALUES (?, ?, ?, ?)',
      seq,
      stored.rows,
      stored.n,
      stored.checks,
    );
    this.enqueue(stored);
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
    const refusal = refusalOf(this.env);
    if (refusal !== null) {
      // The stored clicks stay here, written by the alarm of a deploy with sound settings.
      console.error(`click buffer alarm skipped. ${refusal.message}`);
      this.alarmAt = Date.now() + REFUSED_ALARM_RETRY_MS;
      await this.ctx.storage.setAlarm(this.alarmAt);
      return;
    }
    this.alarmAt = null;
    let failed = false;
    try {
      await this.write();
      this.failures = 0;
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

  /**
   * Writes every click stored here to D1 now, rather than at the next alarm, and answers how many
   * are still waiting (those that arrived meanwhile): an erasure first brings every click of the
   * person into D1, where it can be erased.
   */
  async writeNow(): Promise<number> {
    if (this.buffered > 0) await this.write();
    return this.buffered;
  }

  /** Clicks stored here and not yet in D1 (tests and monitoring). */
  async pendingCount(): Promise<number> {
    return this.buffered;
  }

  /** Keeps a stored batch in memory too, unless the backlog is already too long; whether it did. */
  private enqueue(batch: StoredBatch): boolean {
    if (this.spilled || this.queuedRows + batch.n > QUEUE_MAX_ROWS) {
      this.spilled = true;
      return false;
    }
    this.queue.push(batch);
    this.queuedRows += batch.n;
    return true;
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
    const until = this.nextSeq - 1;
    for (;;) {
      const batches = this.nextBatches(until);
      if (batches.length === 0) return;
      const rows = batches.reduce((n, b) => n + b.n, 0);
      await insertClickRows(this.env.DB, statementsOf(batches), generationsOf(batches), UNIQUE_WINDOW_MS);
      const last = batches[batches.length - 1]!.seq;
      this.sql.exec('DELETE FROM batches WHERE seq <= ?', last);
      if (this.queue[0]?.seq === batches[0]!.seq) {
        this.queue.splice(0, batches.length);
        this.queuedRows -= rows;
      }
      this.writtenSeq = last;
      this.buffered -= rows;
      await scheduler.wait(WRITE_PAUSE_MS);
    }
  }

  /** The next batches to write, up to about MAX_ROWS_PER_WRITE clicks and sequence `until`: from memory when queued. */
  private nextBatches(until: number): StoredBatch[] {
    const batches: StoredBatch[] = [];
    let rows = 0;
    const take = (batch: StoredBatch) => {
      if (batch.seq > until || (rows > 0 && rows + batch.n > MAX_ROWS_PER_WRITE)) return false;
      batches.push(batch);
      rows += batch.n;
      return true;
    };
    if (this.queue.length > 0) {
      for (const batch of this.queue) if (!take(batch)) break;
      return batches;
    }
    if (!this.spilled) return batches;
    let more = false;
    for (const batch of this.sql.exec<StoredBatch>(
      'SELECT seq, rows, n, checks FROM batches WHERE seq > ? ORDER BY seq',
      this.writtenSeq,
    )) {
      if (!take(batch)) {
        more = true;
        break;
      }
    }
    // Storage holds nothing beyond what is being written: batches can be queued again.
    if (!more) this.spilled = false;
    return batches;
  }

  private rowOf(c: WireClick, isUnique: boolean): ClickRow {
    const ua = text(c[WIRE.userAgent] as string | null);
    const device = ua === null ? describeDevice(null) : devices.getOrSet(ua, describeDevice);
    const accept = c[WIRE.accept] as string | null;
    const secChUa = c[WIRE.secChUa] as string | null;
    const purpose = c[WIRE.purpose] as string | null;
    const bot = botVerdict(ua, accept, secChUa, purpose);
    const acceptLanguage = c[WIRE.acceptLanguage] as string | null;
    const language = acceptLanguage === null ? null : languages.getOrSet(acceptLanguage, firstLanguage);
    const sub = WIRE.sub1;
    // In the order of CLICK_ROW_COLUMNS.
    return [
      c[WIRE.id]!,
      c[WIRE.linkId]!,
      c[WIRE.partnerId]!,
      c[WIRE.at]!,
      c[WIRE.visitorId] ?? null,
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
}

/** The D1 statements of some stored batches: their JSON arrays of rows, joined up to MAX_STATEMENT_BYTES each. */
function statementsOf(batches: StoredBatch[]): string[] {
  const statements: string[] = [];
  let current: StoredBatch[] = [];
  let bytes = 0;
  for (const batch of batches) {
    if (bytes > 0 && bytes + batch.rows.length > MAX_STATEMENT_BYTES) {
      statements.push(joinRows(current));
      current = [];
      bytes = 0;
    }
    current.push(batch);
    bytes += batch.rows.length;
  }
  statements.push(joinRows(current));
  return statements;
}

/**
 * One JSON array of the rows of some batches. A single batch's array is used as it is: a
 * transaction usually holds one batch, and copying its rows would allocate as much again.
 */
function joinRows(batches: StoredBatch[]): string {
  if (batches.length === 1) return batches[0]!.rows;
  // Each stored batch is a JSON array: its inside joins with others' into one array.
  return `[${batches.map((b) => b.rows.slice(1, -1)).join(',')}]`;
}

/**
 * The clicks of some batches whose uniqueness D1 must settle, in generations: a visitor's
 * second unsettled click on a link in these batches goes in the second generation, and so on,
 * so that each is settled after the one before it.
 */
function generationsOf(batches: StoredBatch[]): string[][] {
  const generations: string[][] = [];
  const seen = new Map<string, number>();
  for (const batch of batches) {
    if (batch.checks === '[]') continue;
    for (const [id, key] of JSON.parse(batch.checks) as [string, string][]) {
      const generation = seen.get(key) ?? 0;
      seen.set(key, generation + 1);
      const ids = generations[generation];
      if (ids) ids.push(id);
      else generations[generation] = [id];
    }
  }
  return generations;
}
