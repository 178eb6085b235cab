// The console's page budget: 90 days of aggregates for 20 partners, a day of clicks read live,
// then the overview and reports pages rendered again and again: Worker CPU and time per render,
// and what each page weighs on the wire.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { callApi } from './redirect-workers.mjs';

const PARTNERS = 20;
const LINKS_PER_PARTNER = 5;
const DAYS = 90;
/**
 * Clicks a day of the biggest partner; the n-th has 1/n of them (about 10,800 a day in all). Today
 * gets a whole day's worth, read live: the page as heavy as it gets, just before midnight.
 */
const DAY_CLICKS = Number(process.env.BENCH_CONSOLE_DAY_CLICKS ?? 3_000);
/** The share of a day's clicks already there today (1: the whole day; 0: the aggregates alone). */
const TODAY_SHARE = Number(process.env.BENCH_CONSOLE_TODAY_SHARE ?? 1);
const WARMUP = 5;
const RENDERS = Number(process.env.BENCH_CONSOLE_RENDERS ?? 60);
const BUDGET_MS = 50;
const BUDGET_BYTES = 100 * 1024;

const VEHICLES = [
  'clio-iv',
  '208',
  'golf-7',
  'megane-iii',
  'c3',
  'polo',
  'sandero',
  'captur',
  '308',
  'yaris',
  'twingo',
  'kangoo',
];
const SOURCES = ['app', 'newsletter', 'forum.fr'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const COUNTRIES = ['FR', 'BE', 'CH', 'LU'];
const PLACEMENTS = ['diagnostic', 'entretien', 'home'];

/** A repeatable pseudo-random sequence (mulberry32): the same data on every run. */
function randomOf(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sql = (v) => (typeof v === 'number' ? String(v) : v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);

/** Inserts rows with literal values, a few hundred per statement (D1 binds at most 100 parameters). */
async function insertRows(db, table, columns, rows) {
  const statements = [];
  for (let i = 0; i < rows.length; i += 400) {
    const values = rows
      .slice(i, i + 400)
      .map((r) => `(${r.map(sql).join(',')})`)
      .join(',');
    statements.push(db.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values}`));
  }
  for (let i = 0; i < statements.length; i += 20) await db.batch(statements.slice(i, i + 20));
}

const dateBefore = (date, days) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Splits `total` over `n` shares by weight, in whole units. */
function split(total, weights) {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  parts[0] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/**
 * Seeds the programme: partners and links through the API (as an admin would), then 90 finished
 * days of aggregates and breakdowns as the daily job writes them, and today's clicks and
 * conversions as the redirect and postbacks write them (UTC days: the bench sets no zone).
 */
async function seed({ relaisUrl, key, db }) {
  const random = randomOf(20_261_206);
  const partners = [];
  for (let p = 0; p < PARTNERS; p++) {
    const partner = await callApi(relaisUrl, key, 'POST', '/api/v1/partners', {
      name: `Bench partner ${String(p + 1).padStart(2, '0')}`,
      status: 'active',
      integration: 'direct_api',
      category: 'pieces',
      allowedDomains: ['example.com'],
      commissionRules: [{ percent: 8 }],
    });
    const links = [];
    for (let l = 0; l < LINKS_PER_PARTNER; l++) {
      links.push(
        await callApi(relaisUrl, key, 'POST', '/api/v1/links', {
          partnerId: partner.id,
          destination: `https://www.example.com/p${p}/l${l}`,
          slug: `bench-p${p}-l${l}`,
        }),
      );
    }
    // The biggest partners bring most of the traffic, as in the programme.
    partners.push({ partner, links, weight: 1 / (p + 1) });
  }

  const today = new Date().toISOString().slice(0, 10);
  const computedAt = Date.now();
  const aggregates = [];
  const breakdowns = [];
  for (let d = 1; d <= DAYS; d++) {
    const date = dateBefore(today, d);
    for (const { partner, links, weight } of partners) {
      const clicks = Math.round(DAY_CLICKS * weight * (0.7 + 0.6 * random()));
      const perLink = split(
        clicks,
        links.map((_, i) => 1 / (i + 1)),
      );
      const total = { clicks: 0, unique: 0, bots: 0, conversions: 0, revenue: 0, commission: 0 };
      links.forEach((link, i) => {
        const c = perLink[i];
        const unique = Math.round(c * 0.8);
        const bots = Math.round(c * 0.05);
        const conversions = Math.round(c * 0.02);
        const revenue = conversions * 8_500;
        const commission = Math.round(revenue * 0.08);
        aggregates.push([
          date,
          partner.id,
          link.id,
          c,
          unique,
          bots,
          conversions,
          0,
          0,
          conversions,
          revenue,
          commission,
          0,
          0,
          0,
          'EUR',
          3_600_000,
          computedAt,
        ]);
        total.clicks += c;
        total.unique += unique;
        total.bots += bots;
        total.conversions += conversions;
        total.revenue += revenue;
        total.commission += commission;
      });
      aggregates.push([
        date,
        partner.id,
        '*',
        total.clicks,
        total.unique,
        total.bots,
        total.conversions,
        0,
        0,
        total.conversions,
        total.revenue,
        total.commission,
        0,
        0,
        0,
        'EUR',
        3_600_000,
        computedAt,
      ]);
      const dimensions = [
        ['source', SOURCES],
        ['device', DEVICES],
        ['country', COUNTRIES],
        ['placement', PLACEMENTS],
        ['sub1', VEHICLES],
        ['sub2', ['(none)']],
        ['sub3', ['(none)']],
        ['sub4', ['(none)']],
        ['sub5', ['(none)']],
      ];
      for (const [dimension, values] of dimensions) {
        const weights = values.map((_, i) => 1 / (i + 1));
        const clicksOf = split(total.clicks, weights);
        const conversionsOf = split(total.conversions, weights);
        values.forEach((value, i) => {
          const revenue = conversionsOf[i] * 8_500;
          breakdowns.push([
            date,
            partner.id,
            dimension,
            value,
            clicksOf[i],
            Math.round(clicksOf[i] * 0.8),
            Math.round(clicksOf[i] * 0.05),
            conversionsOf[i],
            revenue,
            Math.round(revenue * 0.08),
            computedAt,
          ]);
        });
      }
    }
  }
  await insertRows(
    db,
    'daily_aggregates',
    [
      'date',
      'partner_id',
      'link_id',
      'clicks',
      'unique_clicks',
      'bot_clicks',
      'conversions',
      'leads',
      'add_to_carts',
      'sales',
      'revenue_minor',
      'commission_minor',
      'refunded_minor',
      'commission_reversed_minor',
      'unconverted_conversions',
      'currency',
      'median_time_to_conversion_ms',
      'computed_at',
    ],
    aggregates,
  );
  await insertRows(
    db,
    'daily_breakdowns',
    [
      'date',
      'partner_id',
      'dimension',
      'value',
      'clicks',
      'unique_clicks',
      'bot_clicks',
      'conversions',
      'revenue_minor',
      'commission_minor',
      'computed_at',
    ],
    breakdowns,
  );

  // Today so far: a day's clicks spread from midnight (UTC) to now, 2% of them converting.
  const dayStart = Date.parse(`${today}T00:00:00Z`);
  const span = Math.max(1, Date.now() - dayStart);
  const clicks = [];
  const conversions = [];
  let n = 0;
  for (const { partner, links, weight } of partners) {
    const count = Math.round(DAY_CLICKS * weight * TODAY_SHARE);
    for (let i = 0; i < count; i++) {
      const at = dayStart + Math.floor(random() * span);
      const link = links[Math.floor(random() * random() * links.length)];
      const id = `bench${String(n++).padStart(21, '0')}`;
      const isBot = random() < 0.05 ? 1 : 0;
      clicks.push([
        id,
        link.id,
        partner.id,
        at,
        `v${n}`,
        isBot,
        random() < 0.8 ? 1 : 0,
        link.destination ?? 'https://www.example.com/',
        DEVICES[n % 3],
        COUNTRIES[n % 4],
        VEHICLES[n % VEHICLES.length],
        SOURCES[n % 3],
        PLACEMENTS[n % 3],
      ]);
      if (!isBot && random() < 0.02) {
        const amount = 5_000 + Math.floor(random() * 20_000);
        const commission = Math.round(amount * 0.08);
        const occurredAt = Math.min(Date.now(), at + 600_000);
        conversions.push([
          `cnv_bench${n}`,
          partner.id,
          `T${n}`,
          'sale',
          'approved',
          amount,
          'EUR',
          commission,
          commission,
          occurredAt,
          'click_id',
          id,
          link.id,
          occurredAt - at,
          'EUR',
          '1',
          amount,
          0,
          commission,
          commission,
        ]);
      }
    }
  }
  await insertRows(
    db,
    'clicks',
    [
      'id',
      'link_id',
      'partner_id',
      'created_at',
      'visitor_id',
      'is_bot',
      'is_unique',
      'destination',
      'device',
      'country',
      'sub1',
      'utm_source',
      'placement',
    ],
    clicks,
  );
  await insertRows(
    db,
    'conversions',
    [
      'id',
      'partner_id',
      'transaction_id',
      'event',
      'status',
      'amount_minor',
      'currency',
      'commission_minor',
      'earned_commission_minor',
      'occurred_at',
      'attribution_method',
      'click_id',
      'link_id',
      'click_to_conversion_ms',
      'reporting_currency',
      'exchange_rate',
      'reporting_amount_minor',
      'reporting_refunded_minor',
      'reporting_commission_minor',
      'reporting_earned_minor',
    ],
    conversions,
  );
  return {
    partners,
    today,
    aggregates: aggregates.length,
    breakdowns: breakdowns.length,
    clicks: clicks.length,
    conversions: conversions.length,
  };
}

/** A console user invited through the API who chooses a password, as a person would: its session cookie. */
async function signIn(relaisUrl, key, who) {
  const email = `bench-${who.role}-${Date.now().toString(36)}@bench.test`;
  const user = await callApi(relaisUrl, key, 'POST', '/api/v1/users', { email, ...who });
  const invite = new URL(user.inviteUrl);
  const res = await fetch(`${relaisUrl}${invite.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: relaisUrl },
    body: new URLSearchParams({ password: 'bench console password' }),
    redirect: 'manual',
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('relais_session='))
    ?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`accepting the invitation answered ${res.status}`);
  return cookie;
}

/**
 * CPU time used so far by every thread of a process, in nanoseconds (Linux schedstat): precise
 * enough to charge one render its own CPU, where /proc/<pid>/stat counts in 10 ms ticks.
 */
function cpuNs(pid) {
  if (pid === null) return 0;
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
  } catch {
    return 0;
  }
  return total;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Renders a page `RENDERS` times, one at a time: time to the last byte, and each process's CPU. */
async function measure({ relaisUrl, pids }, cookie, path, status) {
  const get = () =>
    fetch(`${relaisUrl}${path}`, { headers: { cookie, 'accept-language': 'fr-FR,fr;q=0.9' }, redirect: 'manual' });
  for (let i = 0; i < WARMUP; i++) await (await get()).arrayBuffer();
  const times = [];
  const workerCpu = [];
  const storageCpu = [];
  let body = new Uint8Array(0);
  for (let i = 0; i < RENDERS; i++) {
    const edge = cpuNs(pids.edge);
    const storage = cpuNs(pids.storage);
    const started = performance.now();
    const res = await get();
    body = new Uint8Array(await res.arrayBuffer());
    times.push(performance.now() - started);
    workerCpu.push((cpuNs(pids.edge) - edge) / 1e6);
    storageCpu.push((cpuNs(pids.storage) - storage) / 1e6);
    if (res.status !== status) throw new Error(`GET ${path}: ${res.status}`);
  }
  const summary = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  };
  return {
    time: summary(times),
    cpu: summary(workerCpu),
    storage: summary(storageCpu),
    raw: body.length,
    gzip: gzipSync(body).length,
    html: new TextDecoder().decode(body),
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (v) => `${v.toFixed(1)}`;

/**
 * Seeds the programme, signs in an admin and a partner's user, and measures the console's heavy
 * pages. Answers whether every page kept within the budget (50 ms of Worker time, 100 KB).
 */
export async function benchConsole({ relaisUrl, key, db, pids }) {
  console.log('');
  console.log(
    `Seeding the console's data: ${PARTNERS} partners, ${PARTNERS * LINKS_PER_PARTNER} links, ${DAYS} days...`,
  );
  const seeded = await seed({ relaisUrl, key, db });
  console.log(
    `  ${seeded.aggregates} daily aggregate rows, ${seeded.breakdowns} breakdown rows; today so far ` +
      `${seeded.clicks} clicks and ${seeded.conversions} conversions, read live`,
  );
  const admin = await signIn(relaisUrl, key, { role: 'admin' });
  const partnerUser = await signIn(relaisUrl, key, { role: 'partner', partnerId: seeded.partners[0].partner.id });
  const from = (days) => `from=${dateBefore(seeded.today, days - 1)}&to=${seeded.today}`;
  const pages = [
    // The frame alone (the session, the menu, no figures): what any console page costs.
    ['frame only (a 404 page), admin', admin, '/console/no-such-page', 404],
    ['overview, admin, 30 days', admin, '/console'],
    ['overview, admin, 90 days', admin, `/console?${from(90)}`],
    ['overview, admin, today (hours)', admin, `/console?${from(1)}&bots=1`],
    ['overview, partner, 90 days', partnerUser, `/console?${from(90)}`],
    ['reports, admin, sub1, 90 days', admin, `/console/reports?dimension=sub1&${from(90)}`],
    ['reports, admin, source, 90 d', admin, `/console/reports?dimension=source&${from(90)}&bots=1`],
    ['reports, partner, time, 90 d', partnerUser, `/console/reports?dimension=time&${from(90)}`],
  ];
  console.log(`Rendering each page ${RENDERS} times (after ${WARMUP} to warm up), one at a time, in French:`);
  console.log(
    `${'page'.padEnd(31)} ${'Worker CPU p50/p95'.padStart(19)} ${'time p50/p95'.padStart(14)} ${'(D1 CPU p50)'.padStart(12)}   ${'HTML raw'.padStart(9)} ${'gzip'.padStart(8)}`,
  );
  const results = [];
  for (const [name, cookie, path, status = 200] of pages) {
    const m = await measure({ relaisUrl, pids }, cookie, path, status);
    results.push(m);
    console.log(
      `${name.padEnd(31)} ${`${ms(m.cpu.p50)} / ${ms(m.cpu.p95)} ms`.padStart(19)} ${`${ms(m.time.p50)} / ${ms(m.time.p95)} ms`.padStart(14)} ${`${ms(m.storage.p50)} ms`.padStart(12)}   ${kb(m.raw).padStart(9)} ${kb(m.gzip).padStart(8)}`,
    );
  }
  const assets = await assetWeights(relaisUrl, results[1].html);
  console.log(
    `stylesheet and script, fetched once and kept a year: ${kb(assets.raw)} raw, ${kb(assets.gzip)} gzip ` +
      `(script ${kb(assets.scriptRaw)} raw)`,
  );
  const figures = results.slice(1);
  const slowestCpu = Math.max(...figures.map((m) => m.cpu.p95));
  const slowest = Math.max(...figures.map((m) => m.time.p95));
  const heaviest = Math.max(...figures.map((m) => m.gzip)) + assets.gzip;
  const verdict = (isMet) => (isMet ? 'met' : 'MISSED');
  console.log(
    `budget: Worker CPU p95 < ${BUDGET_MS} ms: ${verdict(slowestCpu < BUDGET_MS)} (slowest ${ms(slowestCpu)} ms); ` +
      `time to the last byte p95 < ${BUDGET_MS} ms: ${verdict(slowest < BUDGET_MS)} (slowest ${ms(slowest)} ms, ` +
      `with this machine's load average at ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores); ` +
      `a first visit < ${kb(BUDGET_BYTES)}: ${verdict(heaviest < BUDGET_BYTES)} (heaviest ${kb(heaviest)} gzip with its assets)`,
  );
  const withinBudget = slowestCpu < BUDGET_MS && slowest < BUDGET_MS && heaviest < BUDGET_BYTES;
  return withinBudget;
}

/** The page's stylesheet and script: their weight, raw and gzip. */
async function assetWeights(relaisUrl, html) {
  const hrefs = [...html.matchAll(/(?:href|src)="(\/console\/static\/[^"]+)"/g)].map((m) => m[1]);
  let raw = 0;
  let gzip = 0;
  let scriptRaw = 0;
  for (const href of hrefs) {
    const body = new Uint8Array(await (await fetch(`${relaisUrl}${href}`)).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body).length;
    if (href.endsWith('.js')) scriptRaw += body.length;
  }
  return { raw, gzip, scriptRaw };
}
