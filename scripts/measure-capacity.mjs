#!/usr/bin/env node
// `npm run measure:capacity`: bytes per click, conversion and aggregate row in D1, and the click buffers' write rate into D1, in workerd.
//
//   npm run measure:capacity                              # everything, twice, on the project's Node 22
//   CAPACITY_ONLY=size npm run measure:capacity           # the bytes per row alone (CAPACITY_ONLY=throughput: the rates)
//   CAPACITY_CLICKS=200000 CAPACITY_RUNS=1 npm run measure:capacity
//
// Size: one workerd with D1 (Miniflare), the real migrations, partners and links made through the
// API, then CAPACITY_CLICKS clicks over CAPACITY_DAYS days written by the very statement the
// ClickBuffer uses (`insertClickRows`, 250 rows a transaction, uniqueness settled as it settles
// it), conversions built by intake's own `newConversion` and written with their history row, and
// the days' aggregates rebuilt through the API. D1's own `size_after` (page count x page size) is
// read before and after each load; afterwards the database file is opened with node:sqlite, whose
// SQLite has `dbstat` (D1 refuses `PRAGMA page_count` and has no `dbstat`), for each table and index.
//
// D1 alone: the clicks load above is timed inside workerd, by a small Worker on the same database
// that calls `insertClickRows` transaction after transaction: what the one writer takes in the
// buffer's transactions, without the objects.
//
// Throughput, last: the two workerd processes of `npm run bench` (Workers in one, Durable Objects
// and D1 in the other, as on Cloudflare; CAPACITY_ONE_PROCESS=1 for one), CAPACITY_BUFFER_CLICKS
// clicks sent to the ClickBuffers in the redirect's batches (200 clicks, one RPC, sharded as the
// redirect shards them) as fast as they are accepted, and the rows in D1 counted every 250 ms.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { cpuMs } from './bench/figures.mjs';
import { applyMigrations, buildBundle, callApi, readWranglerConfig, startWorkers } from './bench/redirect-workers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLICKS = Number(process.env.CAPACITY_CLICKS ?? 1_000_000);
const CONVERSIONS = Number(process.env.CAPACITY_CONVERSIONS ?? 100_000);
const DAYS = Number(process.env.CAPACITY_DAYS ?? 10);
const RUNS = Math.max(1, Number(process.env.CAPACITY_RUNS ?? 2));
const BUFFER_CLICKS = Number(process.env.CAPACITY_BUFFER_CLICKS ?? 200_000);
const ONLY = process.env.CAPACITY_ONLY ?? '';
if (ONLY !== '' && ONLY !== 'size' && ONLY !== 'throughput') {
  throw new Error(`CAPACITY_ONLY=${ONLY}: only "size" and "throughput" are known`);
}
/** The tables whose rows are measured. */
const TABLES = ['clicks', 'conversions', 'conversion_history', 'daily_aggregates', 'daily_breakdowns'];
const PARTNERS = 20;
const LINKS_PER_PARTNER = 5;
/** The ClickBuffer's transaction size, read from its source (a constant it keeps to itself). */
const ROWS_PER_WRITE = Number(
  /const MAX_ROWS_PER_WRITE = ([\d_]+);/
    .exec(readFileSync(join(root, 'src', 'objects', 'click-buffer.ts'), 'utf8'))?.[1]
    ?.replaceAll('_', '') ?? Number.NaN,
);
if (!Number.isInteger(ROWS_PER_WRITE)) throw new Error('MAX_ROWS_PER_WRITE not found in src/objects/click-buffer.ts');
/** Batches of the redirect's size under way at once, as many isolates would send them. */
const SENDERS = 8;
const CONVERSIONS_PER_BATCH = 50;
/** Transactions sent to the writer Worker per request. */
const TRANSACTIONS_PER_REQUEST = 20;
const DAY_MS = 86_400_000;
// D1's limit per database (paid plan).
const D1_LIMIT_BYTES = 10 * 1000 ** 3;
// Assumptions of the clicks-per-day figure (printed with it).
const RETENTION_DAYS = 90;
const CONVERSION_RATE = 0.035;
const HORIZON_DAYS = 3 * 365;

// What the app's users send: phones mostly, in-app browsers among them, a desktop now and then.
const PEOPLE = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'WhatsApp/2.23.20.0',
];
const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const COUNTRIES = ['FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'FR', 'BE', 'CH', 'LU', 'CA'];
const LANGUAGES = {
  FR: 'fr-FR,fr;q=0.9',
  BE: 'fr-BE,fr;q=0.9,nl;q=0.8',
  CH: 'de-CH,de;q=0.9,fr;q=0.8',
  LU: 'fr-LU,fr;q=0.9',
  CA: 'en-CA,en;q=0.9,fr;q=0.8',
};
const REFERERS = [
  'https://www.google.com/',
  'https://m.facebook.com/',
  'https://forum-auto.caradisiac.com/topic/12345',
  'https://l.instagram.com/',
  'https://www.reddit.com/r/voitures/',
];
const VEHICLES = ['clio-iv', 'clio-iv', '208', '208', 'golf-7', 'clio-v', '308', 'megane-iv', 'c3', 'sandero', '3008'];
const PAGES = ['freins', 'vidange', 'pneus', 'batterie', 'distribution', 'embrayage', 'amortisseurs', 'ct'];

/** A deterministic generator of numbers in [0, 1) (mulberry32): every run loads the same shapes. */
function randomFrom(seed) {
  let h = seed >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const pick = (random, list) => list[Math.floor(random() * list.length)];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A keyed hash's shape: 24 bytes in base64url, 32 characters (see src/domain/keyed-hasher.ts). */
function hashLike(random) {
  let s = '';
  for (let i = 0; i < 32; i++) s += B64[Math.floor(random() * 64)];
  return s;
}

const tmp = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'relais-capacity-'));

/** The Worker bundled as `wrangler deploy` would, and the modules this script calls in Node. */
function build() {
  const worker = buildBundle(root);
  try {
    return { worker, ...buildSupport() };
  } catch (err) {
    rmSync(dirname(worker), { recursive: true, force: true });
    throw err;
  }
}

/** This script's own modules: Relais's functions for Node, and the writer Worker. */
function buildSupport() {
  const entry = join(tmp, 'entry.ts');
  const src = (path) => JSON.stringify(join(root, 'src', path));
  writeFileSync(
    entry,
    [
      `export { dbOf } from ${src('db/client.ts')};`,
      `export { partners } from ${src('db/schema.ts')};`,
      `export { firstHistoryOf, newConversion } from ${src('services/record-conversion.ts')};`,
      `export { newClickId, newUlid } from ${src('domain/ids.ts')};`,
      `export { describeDevice } from ${src('domain/device.ts')};`,
      `export { detectBot } from ${src('domain/bots.ts')};`,
      `export { parseAcceptLanguage } from ${src('domain/targeting.ts')};`,
      `export { wireBatch } from ${src('domain/click-wire.ts')};`,
      `export { CLICK_SHARDS, MAX_BATCH, shardName, shardOf } from ${src('isolate/click-recorder.ts')};`,
      `export { referrerHostOf } from ${src('objects/click-buffer.ts')};`,
    ].join('\n'),
  );
  // The ClickBuffer's module is read for its referrer parsing only: its base class is never built here.
  const runtime = join(tmp, 'cloudflare-workers.mjs');
  writeFileSync(runtime, 'export class DurableObject {}\n');
  execFileSync(
    join(root, 'node_modules', 'esbuild', 'bin', 'esbuild'),
    [
      entry,
      '--bundle',
      '--format=esm',
      '--platform=neutral',
      '--log-level=error',
      `--alias:cloudflare:workers=${runtime}`,
      `--outfile=${join(tmp, 'support.mjs')}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const writerEntry = join(tmp, 'writer.ts');
  writeFileSync(writerEntry, WRITER_WORKER(src));
  execFileSync(
    join(root, 'node_modules', 'esbuild', 'bin', 'esbuild'),
    [
      writerEntry,
      '--bundle',
      '--format=esm',
      '--platform=neutral',
      '--log-level=error',
      // workerd provides it: the writer imports the ClickBuffer's module for its uniqueness window.
      '--external:cloudflare:workers',
      `--outfile=${join(tmp, 'writer.mjs')}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { support: join(tmp, 'support.mjs'), writer: join(tmp, 'writer.mjs') };
}

/**
 * A Worker beside Relais on the same D1 database that writes what it is sent with Relais's own
 * write functions, timed inside workerd: rows sent from Node through Miniflare's proxy statement
 * by statement would measure the proxy (a conversion's dozen statements took 16 ms that way).
 */
const WRITER_WORKER = (src) => `
import { insertClickRows } from ${src('db/clicks.ts')};
import { dbOf } from ${src('db/client.ts')};
import { UNIQUE_WINDOW_MS } from ${src('objects/click-buffer.ts')};
import { insertConversions } from ${src('db/conversions.ts')};

// Dates travel as ISO strings in JSON: the conversion's *At fields are Dates again here.
const revive = (key, value) => (key.endsWith('At') && typeof value === 'string' ? new Date(value) : value);

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    const started = Date.now();
    let slowestMs = 0;
    if (path === '/clicks') {
      for (const [rows, generations] of await request.json()) {
        const at = Date.now();
        await insertClickRows(env.DB, [rows], generations, UNIQUE_WINDOW_MS);
        slowestMs = Math.max(slowestMs, Date.now() - at);
      }
    } else if (path === '/conversions') {
      for (const items of JSON.parse(await request.text(), revive)) {
        const at = Date.now();
        await insertConversions(dbOf(env), items);
        slowestMs = Math.max(slowestMs, Date.now() - at);
      }
    } else {
      return new Response(null, { status: 404 });
    }
    return Response.json({ ms: Date.now() - started, slowestMs });
  },
};
`;

const n0 = (v) => Math.round(v).toLocaleString('en');
const fmt = (v, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

/** The demo programme's shape: PARTNERS partners with LINKS_PER_PARTNER links each, made through the API. */
async function makeProgramme(url, key, tag) {
  const made = [];
  for (let p = 0; p < PARTNERS; p++) {
    const domain = `partenaire-${p + 1}.fr`;
    const partner = await callApi(url, key, 'POST', '/api/v1/partners', {
      name: `Partenaire ${p + 1} ${tag}`,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: [domain],
      commissionRules: [{ percent: 4 + (p % 6) }],
      affiliateParams: { aff_id: 'aau' },
    });
    for (let l = 0; l < LINKS_PER_PARTNER; l++) {
      const page = PAGES[(p + l) % PAGES.length];
      const link = await callApi(url, key, 'POST', '/api/v1/links', {
        partnerId: partner.id,
        destination: `https://www.${domain}/entretien/${page}?ref=app&origin=assistant-auto`,
        slug: `${tag}-p${p + 1}-${page}-${l}`,
        placement: `diagnostic_${page}`,
      });
      made.push({ link, partner });
    }
  }
  return made;
}

/**
 * Clicks as the redirect sees them, in time order over `days` days ending yesterday (UTC): links
 * by popularity, a few bots, a visitor cookie on most (a fifth of them returning), a keyed user
 * hash for the signed-in share, a fingerprint wherever tracking is allowed, sub-ids and referrers
 * on some. `each` gets each click's facts; the caller shapes them as a D1 row or a wire event.
 */
function* clickFacts(support, programme, count, days, seed) {
  const random = randomFrom(seed);
  const firstDay = Math.floor(Date.now() / DAY_MS) - days;
  const perDay = Math.ceil(count / days);
  const returning = [];
  const uids = new Map();
  for (let i = 0; i < count; i++) {
    const day = Math.floor(i / perDay);
    const at = (firstDay + day) * DAY_MS + Math.floor(((i % perDay) + random()) * (DAY_MS / perDay));
    // A few links take most clicks.
    const { link, partner } = programme[Math.floor(random() ** 2 * programme.length)];
    const isBotAgent = random() < 0.03;
    const userAgent = isBotAgent ? pick(random, BOTS) : pick(random, PEOPLE);
    // Consent refused, GPC or DNT: no visitor, no fingerprint, no uid.
    const isTracked = random() >= 0.04;
    let visitorId = null;
    let isNewVisitor = true;
    if (isTracked) {
      if (!isBotAgent && returning.length > 0 && random() < 0.2) {
        visitorId = returning[Math.floor(random() * returning.length)];
        isNewVisitor = false;
      } else {
        visitorId = support.newUlid(at);
        if (!isBotAgent) {
          if (returning.length < 50_000) returning.push(visitorId);
          else returning[Math.floor(random() * returning.length)] = visitorId;
        }
      }
    }
    let uidHash = null;
    if (isTracked && !isBotAgent && random() < 0.35) {
      uidHash = uids.get(visitorId) ?? hashLike(random);
      uids.set(visitorId, uidHash);
      if (uids.size > 100_000) uids.delete(uids.keys().next().value);
    }
    const country = pick(random, COUNTRIES);
    const referralCode = random() < 0.02 ? `AAU${Math.floor(random() * 1e5)}` : null;
    yield {
      id: support.newClickId(at),
      at,
      linkId: link.id,
      partnerId: partner.id,
      visitorId,
      isNewVisitor,
      userAgent,
      accept: isBotAgent ? '*/*' : ACCEPT,
      acceptLanguage: LANGUAGES[country],
      referer: random() < 0.2 ? pick(random, REFERERS) : null,
      country,
      subIds: [
        random() < 0.9 ? pick(random, VEHICLES) : null,
        random() < 0.5 ? `ecran-${Math.floor(random() * 300)}` : null,
        random() < 0.15 ? `campagne-2026-${Math.floor(random() * 12)}` : null,
        null,
        null,
      ],
      // The link's UTM as the redirect fills it in (see src/isolate/link-cache.ts).
      utm: {
        source: link.utm?.source ?? 'relais',
        medium: link.utm?.medium ?? 'affiliate',
        campaign: link.utm?.campaign ?? link.slug,
      },
      placement: link.placement,
      destination: link.destination,
      uidHash,
      fingerprint: isTracked ? hashLike(random) : null,
      referralCode,
      source: referralCode === null ? 'link' : 'referral',
    };
  }
}

/** A click as the ClickBuffer hands it to D1 (its `rowOf`, in the order of CLICK_ROW_COLUMNS). */
function rowOf(support, c, memo) {
  let described = memo.get(c.userAgent);
  if (described === undefined) {
    described = {
      device: support.describeDevice(c.userAgent),
      bot: support.detectBot(c.userAgent, { accept: c.accept }),
    };
    memo.set(c.userAgent, described);
  }
  const { device, bot } = described;
  return [
    c.id,
    c.linkId,
    c.partnerId,
    c.at,
    c.visitorId,
    bot.isBot ? 1 : 0,
    bot.reason,
    c.isNewVisitor ? 1 : 0,
    device.device,
    device.os,
    device.browser,
    c.country,
    support.parseAcceptLanguage(c.acceptLanguage)[0] ?? null,
    support.referrerHostOf(c.referer),
    c.userAgent,
    ...c.subIds,
    c.utm.source,
    c.utm.medium,
    c.utm.campaign,
    c.placement,
    'default',
    c.destination,
    0,
    c.uidHash,
    c.fingerprint,
    c.referralCode,
    c.source,
  ];
}

/** A click as the redirect hands it to the ClickBuffer (src/domain/click-wire.ts). */
function eventOf(c) {
  return {
    id: c.id,
    at: c.at,
    linkId: c.linkId,
    partnerId: c.partnerId,
    visitorId: c.visitorId,
    isNewVisitor: c.isNewVisitor,
    userAgent: c.userAgent,
    accept: c.accept,
    secChUa: null,
    purpose: null,
    acceptLanguage: c.acceptLanguage,
    referer: c.referer,
    country: c.country,
    subIds: c.subIds,
    utmSource: c.utm.source,
    utmMedium: c.utm.medium,
    utmCampaign: c.utm.campaign,
    placement: c.placement,
    variant: 'default',
    destination: c.destination,
    deepLinkRefused: false,
    uidHash: c.uidHash,
    fingerprint: c.fingerprint,
    source: c.source,
    referralCode: c.referralCode,
  };
}

/** The buffer's uniqueness checks of one transaction, in generations (its `generationsOf`). */
function generationsOf(clicks) {
  const generations = [];
  const seen = new Map();
  for (const c of clicks) {
    if (c.isNewVisitor) continue;
    const key = `${c.visitorId}\n${c.linkId}`;
    const g = seen.get(key) ?? 0;
    seen.set(key, g + 1);
    const ids = generations[g];
    if (ids) ids.push(c.id);
    else generations[g] = [c.id];
  }
  return generations;
}

/** Sends `body` to the writer Worker; its timing (inside workerd). */
async function toWriter(url, path, body) {
  const res = await fetch(`${url}${path}`, { method: 'POST', body });
  if (!res.ok) throw new Error(`writer ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Writes clicks to D1 in the ClickBuffer's transactions (its statement, ROWS_PER_WRITE rows, the
 * uniqueness of returning visitors settled in the same transaction), one after another, through
 * the writer Worker. Answers the time workerd spent on them, the same for the first and the last
 * tenth of the clicks (the table grows), and the clicks a conversion may follow.
 */
async function writeClicks(support, writerUrl, facts, { keepEvery = 0, total }) {
  const memo = new Map();
  const kept = [];
  const timings = [];
  let transactions = [];
  let chunk = [];
  let written = 0;
  let seen = 0;
  const send = async () => {
    const rows = transactions.reduce((n, t) => n + t.n, 0);
    const r = await toWriter(writerUrl, '/clicks', JSON.stringify(transactions.map((t) => [t.json, t.generations])));
    timings.push({ from: written, rows, ms: r.ms, slowestMs: r.slowestMs });
    written += rows;
    transactions = [];
  };
  const close = () => {
    transactions.push({
      json: JSON.stringify(chunk.map((c) => rowOf(support, c, memo))),
      generations: generationsOf(chunk),
      n: chunk.length,
    });
    chunk = [];
  };
  for (const c of facts) {
    chunk.push(c);
    if (keepEvery > 0 && seen++ % keepEvery === 0 && c.source === 'link' && !BOTS.includes(c.userAgent)) kept.push(c);
    if (chunk.length === ROWS_PER_WRITE) close();
    if (transactions.length === TRANSACTIONS_PER_REQUEST) await send();
  }
  if (chunk.length > 0) close();
  if (transactions.length > 0) await send();
  const rate = (list) =>
    list.length === 0 ? 0 : list.reduce((n, t) => n + t.rows, 0) / (list.reduce((ms, t) => ms + t.ms, 0) / 1000);
  const tenth = total / 10;
  return {
    written,
    ms: timings.reduce((ms, t) => ms + t.ms, 0),
    rate: rate(timings),
    firstTenthRate: rate(timings.filter((t) => t.from < tenth)),
    lastTenthRate: rate(timings.filter((t) => t.from + t.rows > total - tenth)),
    slowestMs: Math.max(...timings.map((t) => t.slowestMs)),
    kept,
  };
}

/** D1's own figure for the size of its database: pages in use times the page size. */
async function sizeOf(db) {
  const r = await db.prepare('SELECT 1').run();
  return r.meta.size_after;
}

/** Pages, bytes and rows of each table and index in the database file, by `dbstat`. */
function fileStats(persistDir) {
  const dir = join(persistDir, 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
    .map((f) => join(dir, f));
  const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const sqlite = new DatabaseSync(file, { readOnly: true });
  try {
    const owners = new Map(
      sqlite
        .prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')")
        .all()
        .map((r) => [r.name, r.tbl_name]),
    );
    const objects = sqlite
      .prepare('SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(unused) AS unused FROM dbstat GROUP BY name')
      .all()
      .map((r) => ({ ...r, table: owners.get(r.name) ?? r.name }));
    const pageCount = sqlite.prepare('PRAGMA page_count').get().page_count;
    const pageSize = sqlite.prepare('PRAGMA page_size').get().page_size;
    const freePages = sqlite.prepare('PRAGMA freelist_count').get().freelist_count;
    const counts = new Map(
      TABLES.map((table) => [table, sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get().n]),
    );
    return { objects, pageCount, pageSize, freePages, rows: (table) => counts.get(table) };
  } finally {
    sqlite.close();
  }
}

/** One size run: a fresh database, each load measured. */
async function sizeRun(paths, support, run) {
  const persist = join(tmp, `size-${run}`);
  const settings = readWranglerConfig(root);
  const key = `rl_admin_capacity-${'0'.repeat(32)}`;
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      workers: [
        {
          name: 'relais',
          modules: true,
          scriptPath: paths.worker,
          modulesRoot: dirname(paths.worker),
          compatibilityDate: settings.compatibilityDate,
          compatibilityFlags: settings.compatibilityFlags,
          bindings: {
            ADMIN_API_KEY: key,
            HASH_KEY: `capacity-hash-key-${'1'.repeat(32)}`,
            SECRETS_KEY: `capacity-secrets-key-${'2'.repeat(32)}`,
            ENVIRONMENT: 'development',
            PUBLIC_ORIGIN: '',
          },
          d1Databases: { DB: 'relais-capacity' },
          durableObjects: settings.durableObjects,
          unsafeDirectSockets: [{}],
        },
        {
          name: 'writer',
          modules: true,
          scriptPath: paths.writer,
          modulesRoot: dirname(paths.writer),
          compatibilityDate: settings.compatibilityDate,
          compatibilityFlags: settings.compatibilityFlags,
          d1Databases: { DB: 'relais-capacity' },
          unsafeDirectSockets: [{}],
        },
      ],
    }),
    // On disk as D1 keeps it (a memory-backed disk where there is one), to be read back below.
    resourcePersistencePath: persist,
  });
  const sizes = {};
  let clicksLoad;
  let conversionsMs;
  let aggregatesMs;
  try {
    const url = (await mf.unsafeGetDirectURL('relais')).href.replace(/\/$/, '');
    const writerUrl = (await mf.unsafeGetDirectURL('writer')).href.replace(/\/$/, '');
    const db = await mf.getD1Database('DB', 'relais');
    await applyMigrations(root, db);
    sizes.migrated = await sizeOf(db);
    const programme = await makeProgramme(url, key, `r${run}`);
    sizes.programme = await sizeOf(db);

    const keepEvery = Math.max(1, Math.floor((CLICKS * 0.9) / CONVERSIONS));
    clicksLoad = await writeClicks(support, writerUrl, clickFacts(support, programme, CLICKS, DAYS, 1000 + run), {
      keepEvery,
      total: CLICKS,
    });
    sizes.clicks = await sizeOf(db);

    const drizzle = support.dbOf({ DB: db });
    const partnerRows = new Map((await drizzle.select().from(support.partners).all()).map((p) => [p.id, p]));
    const random = randomFrom(2000 + run);
    const targets = clicksLoad.kept.slice(0, CONVERSIONS);
    conversionsMs = 0;
    for (let i = 0; i < targets.length; i += CONVERSIONS_PER_BATCH * TRANSACTIONS_PER_REQUEST) {
      const batches = [];
      for (
        let j = i;
        j < Math.min(targets.length, i + CONVERSIONS_PER_BATCH * TRANSACTIONS_PER_REQUEST);
        j += CONVERSIONS_PER_BATCH
      ) {
        batches.push(
          targets
            .slice(j, j + CONVERSIONS_PER_BATCH)
            .map((c, k) => conversionOf(support, partnerRows, c, j + k, random)),
        );
      }
      conversionsMs += (await toWriter(writerUrl, '/conversions', JSON.stringify(batches))).ms;
    }
    sizes.conversions = await sizeOf(db);

    const t1 = performance.now();
    const firstDay = Math.floor(Date.now() / DAY_MS) - DAYS;
    for (let d = 0; d <= DAYS; d++) {
      const date = new Date((firstDay + d) * DAY_MS).toISOString().slice(0, 10);
      await callApi(url, key, 'POST', '/api/v1/reports/daily/rebuild', { date });
    }
    aggregatesMs = performance.now() - t1;
    sizes.aggregates = await sizeOf(db);
  } finally {
    await mf.dispose();
  }
  const stats = fileStats(persist);
  rmSync(persist, { recursive: true, force: true });
  return { sizes, stats, clicksLoad, conversionsMs, aggregatesMs };
}

/** A sale on a click, built by intake's `newConversion` as a postback attributed by click id makes it. */
function conversionOf(support, partnerRows, c, n, random) {
  const partner = partnerRows.get(c.partnerId);
  const occurredAt = new Date(c.at + Math.floor(random() ** 3 * 48 * 3_600_000) + 60_000);
  const amountMinor = 2_500 + Math.floor(random() * 37_500) + 90;
  const status = n % 12 === 5 ? 'rejected' : random() < 0.65 ? 'approved' : 'pending';
  const row = support.newConversion(
    partner,
    {
      transactionId: `CMD-${c.partnerId.slice(-6)}-${100_000_000 + n}`,
      clickId: c.id,
      amountMinor,
      currency: partner.currency,
      status,
      event: 'sale',
      occurredAt,
    },
    {
      visitorId: c.visitorId,
      kept: { customerHash: c.uidHash, fingerprints: c.fingerprint ? [c.fingerprint] : [] },
      plans: [],
      lookups: {
        existing: undefined,
        found: {
          candidates: [
            {
              method: 'click_id',
              clicks: [{ id: c.id, partnerId: c.partnerId, linkId: c.linkId, createdAt: new Date(c.at), isBot: false }],
            },
          ],
          referralCode: null,
          coupon: null,
        },
      },
    },
  );
  return { row, history: support.firstHistoryOf(row, { reason: null, source: 'postback' }) };
}

/** Bytes per row of each table measured, alone and with its indexes, from `dbstat`. */
function perRow(stats) {
  return TABLES.map((table) => {
    const rows = stats.rows(table);
    const own = stats.objects.filter((o) => o.table === table);
    const data = own.find((o) => o.name === table);
    const indexes = own.filter((o) => o.name !== table).sort((a, b) => b.bytes - a.bytes);
    const total = own.reduce((s, o) => s + o.bytes, 0);
    return {
      table,
      rows,
      tableBytes: data?.bytes ?? 0,
      totalBytes: total,
      perRowTable: rows ? (data?.bytes ?? 0) / rows : 0,
      perRowTotal: rows ? total / rows : 0,
      indexes: indexes.map((o) => ({ name: o.name, perRow: rows ? o.bytes / rows : 0 })),
    };
  });
}

function printSizeRun(result, run) {
  const { sizes, stats, clicksLoad } = result;
  const mb = (b) => `${fmt(b / 1e6, 1)} MB`;
  console.log(`\nSize run ${run} (load average ${load()}):`);
  console.log(
    `  D1 size_after: migrated ${mb(sizes.migrated)}, + programme ${mb(sizes.programme)}, + clicks ${mb(sizes.clicks)}, ` +
      `+ conversions ${mb(sizes.conversions)}, + aggregates ${mb(sizes.aggregates)}`,
  );
  console.log(
    `  D1 growth per row: click ${fmt((sizes.clicks - sizes.programme) / clicksLoad.written, 1)} B, ` +
      `conversion with its history row ${fmt((sizes.conversions - sizes.clicks) / Math.min(CONVERSIONS, clicksLoad.kept.length), 1)} B`,
  );
  console.log(
    `  file: ${n0(stats.pageCount)} pages of ${stats.pageSize} B (${mb(stats.pageCount * stats.pageSize)}), ${n0(stats.freePages)} free`,
  );
  console.log(
    `  D1 alone: clicks written in ${fmt(clicksLoad.ms / 1000, 1)} s of workerd time, ${ROWS_PER_WRITE} a transaction, one after another: ` +
      `${n0(clicksLoad.rate)} rows/s (first tenth ${n0(clicksLoad.firstTenthRate)}, last tenth ${n0(clicksLoad.lastTenthRate)}); ` +
      `slowest transaction ${fmt(clicksLoad.slowestMs, 0)} ms`,
  );
  console.log(
    `  conversions written in ${fmt(result.conversionsMs / 1000, 1)} s (${CONVERSIONS_PER_BATCH} a transaction with their history rows), ${DAYS + 1} days of aggregates rebuilt in ${fmt(result.aggregatesMs / 1000, 1)} s`,
  );
  console.log(
    `  ${'table'.padEnd(20)} ${'rows'.padStart(10)} ${'B/row table'.padStart(12)} ${'B/row +indexes'.padStart(15)}`,
  );
  for (const t of perRow(stats)) {
    console.log(
      `  ${t.table.padEnd(20)} ${n0(t.rows).padStart(10)} ${fmt(t.perRowTable, 1).padStart(12)} ${fmt(t.perRowTotal, 1).padStart(15)}`,
    );
    for (const i of t.indexes) console.log(`    ${i.name.padEnd(46)} ${fmt(i.perRow, 1).padStart(8)} B/row`);
  }
}

/** Clicks a day one database holds: raw clicks for RETENTION_DAYS, the rest for HORIZON_DAYS. */
function printCapacity(results) {
  const avg = (f) => results.reduce((s, r) => s + f(r), 0) / results.length;
  const table = (r, name) => perRow(r.stats).find((t) => t.table === name);
  const click = avg((r) => table(r, 'clicks').perRowTotal);
  const conversion = avg((r) => table(r, 'conversions').perRowTotal + table(r, 'conversion_history').perRowTotal);
  const aggregateRows = avg((r) => table(r, 'daily_aggregates').rows + table(r, 'daily_breakdowns').rows) / (DAYS + 1);
  const aggregateBytes =
    avg((r) => table(r, 'daily_aggregates').totalBytes + table(r, 'daily_breakdowns').totalBytes) / (DAYS + 1);
  // 10 GB = RETENTION_DAYS x N x click + HORIZON_DAYS x (N x rate x conversion + aggregates a day).
  const perClickDay = RETENTION_DAYS * click + HORIZON_DAYS * CONVERSION_RATE * conversion;
  const clicksPerDay = (D1_LIMIT_BYTES - HORIZON_DAYS * aggregateBytes) / perClickDay;
  const rawOnly = D1_LIMIT_BYTES / (RETENTION_DAYS * click);
  console.log('\nClicks a day one D1 database (10 GB) holds:');
  console.log(
    `  a click ${fmt(click, 0)} B with its indexes, kept ${RETENTION_DAYS} days; a conversion ${fmt(conversion, 0)} B ` +
      `with its history row, for ${fmt(CONVERSION_RATE * 100, 1)}% of clicks, kept for ever; aggregates ${n0(aggregateRows)} rows = ` +
      `${fmt(aggregateBytes / 1e6, 2)} MB a day for ${PARTNERS} partners x ${PARTNERS * LINKS_PER_PARTNER} links, kept for ever`,
  );
  console.log(
    `  => ${n0(clicksPerDay)} clicks a day after ${HORIZON_DAYS / 365} years of conversions and aggregates ` +
      `(${n0(rawOnly)} a day counting the raw clicks alone)`,
  );
}

/** Waits until D1 holds `target` more clicks than `base`, sampling every 250 ms; the samples. */
async function landed(db, base, target, startedAt) {
  const samples = [];
  let last = -1;
  let stableSince = performance.now();
  for (;;) {
    const row = await db.prepare('SELECT max(rowid) AS n FROM clicks').first();
    const n = (row?.n ?? 0) - base;
    const t = performance.now();
    samples.push({ t: t - startedAt, n });
    if (n !== last) {
      last = n;
      stableSince = t;
    }
    if (n >= target || t - stableSince > 30_000) return samples;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One throughput run: D1 alone in the buffer's transactions, then the ClickBuffers loaded. */
async function throughputRun(bundle, support, run, oneProcess) {
  const workers = await startWorkers(root, bundle, { oneProcess });
  const { db, edge, pids, relaisUrl, secrets } = workers;
  try {
    await applyMigrations(root, db);
    const programme = await makeProgramme(relaisUrl, secrets.ADMIN_API_KEY, `t${run}`);
    const cpu = () => cpuMs(pids.edge) + cpuMs(pids.storage);

    const loadBefore = load();

    // The redirect's batches, per shard, made before the clock starts.
    const perShard = Array.from({ length: support.CLICK_SHARDS }, () => []);
    for (const c of clickFacts(support, programme, BUFFER_CLICKS, 1, 4000 + run)) {
      perShard[support.shardOf(c.visitorId ?? c.id)].push(eventOf(c));
    }
    // Shards taken in turn, as traffic from many visitors reaches them.
    const batches = [];
    const longest = Math.max(...perShard.map((events) => events.length));
    for (let i = 0; i < longest; i += support.MAX_BATCH) {
      for (let s = 0; s < perShard.length; s++) {
        const events = perShard[s].slice(i, i + support.MAX_BATCH);
        if (events.length > 0) batches.push({ shard: s, text: support.wireBatch(events), n: events.length });
      }
    }
    const ns = await edge.getDurableObjectNamespace('CLICK_BUFFER', 'relais');
    const stubs = Array.from({ length: support.CLICK_SHARDS }, (_, s) => ns.get(ns.idFromName(support.shardName(s))));
    const base = (await db.prepare('SELECT max(rowid) AS n FROM clicks').first())?.n ?? 0;

    const cpuBefore = cpu();
    const startedAt = performance.now();
    let next = 0;
    let acceptedAt = 0;
    const sending = Array.from({ length: SENDERS }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        const stored = await stubs[b.shard].record(b.text);
        if (stored !== b.n) throw new Error(`ClickBuffer stored ${stored} of ${b.n} clicks`);
      }
      acceptedAt = performance.now() - startedAt;
    });
    const watching = landed(db, base, BUFFER_CLICKS, startedAt);
    await Promise.all(sending);
    const samples = await watching;
    const cpuUsed = cpu() - cpuBefore;
    const final = samples[samples.length - 1];
    const doneAt = samples.find((s) => s.n >= BUFFER_CLICKS)?.t ?? final.t;
    // The steady rate: between a tenth and nine tenths of the clicks landed.
    const at = (share) => samples.find((s) => s.n >= BUFFER_CLICKS * share) ?? final;
    const from = at(0.1);
    const to = at(0.9);
    const steady = (to.n - from.n) / ((to.t - from.t) / 1000);
    return {
      loadBefore,
      loadAfter: load(),
      accepted: { ms: acceptedAt, rate: BUFFER_CLICKS / (acceptedAt / 1000) },
      landed: { rows: final.n, ms: doneAt, rate: final.n / (doneAt / 1000), steady },
      cpuPerClickUs: (cpuUsed * 1000) / final.n,
      perSecond: samples,
    };
  } finally {
    await workers.stop();
  }
}

function printThroughputRun(r, run) {
  console.log(`\nThroughput run ${run} (load average ${r.loadBefore} before, ${r.loadAfter} after):`);
  console.log(
    `  ClickBuffers: ${n0(BUFFER_CLICKS)} clicks accepted in ${fmt(r.accepted.ms / 1000, 1)} s (${n0(r.accepted.rate)} clicks/s stored in the objects); ` +
      `${n0(r.landed.rows)} in D1 after ${fmt(r.landed.ms / 1000, 1)} s: ${n0(r.landed.rate)} clicks/s overall, ${n0(r.landed.steady)} clicks/s steady (10%-90%)`,
  );
  console.log(`  workerd CPU per click landed (both processes): ${fmt(r.cpuPerClickUs, 0)} us`);
  const perSecond = [];
  for (let s = 1; ; s++) {
    const sample = [...r.perSecond].reverse().find((x) => x.t <= s * 1000);
    if (!sample) continue;
    perSecond.push(sample.n);
    if (sample === r.perSecond[r.perSecond.length - 1] || s > 600) break;
  }
  console.log(`  rows in D1 second by second: ${perSecond.map(n0).join(' ')}`);
}

const spread = (values, digits = 0) =>
  values.length > 1
    ? `${fmt(Math.min(...values), digits)} to ${fmt(Math.max(...values), digits)}`
    : fmt(values[0], digits);

async function main() {
  const workerd = execFileSync(join(root, 'node_modules', '.bin', 'workerd'), ['--version'])
    .toString()
    .trim();
  console.log(`Relais capacity: Node ${process.version}, ${workerd}, ${cpus().length} cores, load average ${load()}`);
  console.log(
    `Re-run: npm run measure:capacity (CAPACITY_CLICKS=${CLICKS} CAPACITY_CONVERSIONS=${CONVERSIONS} CAPACITY_DAYS=${DAYS} ` +
      `CAPACITY_RUNS=${RUNS} CAPACITY_BUFFER_CLICKS=${BUFFER_CLICKS}${ONLY ? ` CAPACITY_ONLY=${ONLY}` : ''})`,
  );
  let paths;
  try {
    paths = build();
    const support = await import(pathToFileURL(paths.support).href);
    if (ONLY !== 'throughput') {
      console.log(
        `\nSize: ${n0(CLICKS)} clicks over ${DAYS} days, ${n0(CONVERSIONS)} conversions, ${PARTNERS} partners x ${LINKS_PER_PARTNER} links, one workerd`,
      );
      const results = [];
      for (let run = 1; run <= RUNS; run++) {
        const result = await sizeRun(paths, support, run);
        printSizeRun(result, run);
        results.push(result);
      }
      console.log('\nBytes per row over the runs (dbstat: table alone / with its indexes):');
      for (const name of TABLES) {
        const rows = results.map((r) => perRow(r.stats).find((t) => t.table === name));
        console.log(
          `  ${name.padEnd(20)} ${spread(
            rows.map((t) => t.perRowTable),
            1,
          ).padStart(16)} / ${spread(
            rows.map((t) => t.perRowTotal),
            1,
          )}`,
        );
      }
      printCapacity(results);
    }
    if (ONLY !== 'size') {
      const oneProcess = process.env.CAPACITY_ONE_PROCESS === '1';
      console.log(
        `\nThroughput: ${n0(BUFFER_CLICKS)} clicks into the ClickBuffers in batches of ${support.MAX_BATCH} over ${support.CLICK_SHARDS} shards, ` +
          `${SENDERS} batches under way; ${oneProcess ? 'one workerd' : 'two workerd processes (Workers | Durable Objects and D1)'}`,
      );
      const runs = [];
      for (let run = 1; run <= RUNS; run++) {
        const r = await throughputRun(paths.worker, support, run, oneProcess);
        printThroughputRun(r, run);
        runs.push(r);
      }
      console.log(
        `\nOver the runs: ClickBuffers into D1 ${spread(runs.map((r) => r.landed.rate))} clicks/s overall, ${spread(runs.map((r) => r.landed.steady))} steady`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (paths) rmSync(dirname(paths.worker), { recursive: true, force: true });
  }
}

await main();
