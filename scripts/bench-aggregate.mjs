#!/usr/bin/env node
// Times the daily aggregation of one partner's day of one million clicks, in workerd with D1 (Miniflare),
// through the very statements and endpoint the Worker uses.
//
//   npx node scripts/bench-aggregate.mjs                      # 1,000,000 clicks, on the project's Node 22
//   BENCH_CLICKS=200000 npx node scripts/bench-aggregate.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { applyMigrations, buildBundle, readWranglerConfig } from './bench/redirect-workers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLICKS = Number(process.env.BENCH_CLICKS ?? 1_000_000);
/** Clicks of another partner the same day: the queries must not pay for them. */
const OTHER_CLICKS = Math.round(CLICKS / 5);
const CONVERSIONS = Math.round(CLICKS / 50);
const BATCH = 50_000;
const LINKS = 20;
const DATE = '2026-11-24';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`);
const PARTNER = 'ptn_bench';
const OTHER = 'ptn_other';
// Secrets of 32 bytes or more: the Worker refuses to serve with shorter ones.
const ADMIN_KEY = 'rl_admin_bench-key-0123456789abcdefghij';

const tmp = mkdtempSync(join(tmpdir(), 'relais-bench-aggregate-'));
const esbuild = join(root, 'node_modules', 'esbuild', 'bin', 'esbuild');
/** The Worker bundled offline as `wrangler deploy` would, and the aggregation module on its own. */
function build() {
  const worker = buildBundle(root);
  const entry = join(tmp, 'entry.ts');
  writeFileSync(
    entry,
    `export * from ${JSON.stringify(join(root, 'src/db/reports.ts'))};\n` +
      `export { BREAKDOWN_DIMENSIONS } from ${JSON.stringify(join(root, 'src/domain/aggregation.ts'))};\n`,
  );
  const res = spawnSync(
    esbuild,
    [
      entry,
      '--log-level=error',
      '--bundle',
      '--format=esm',
      '--platform=neutral',
      `--outfile=${join(tmp, 'reports.mjs')}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (res.status !== 0) throw new Error('esbuild failed');
  return { worker, reports: join(tmp, 'reports.mjs') };
}

async function timed(label, fn) {
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
  return { value, ms };
}

// Rows are made inside SQLite by a recursive CTE, BATCH at a time: only the statement crosses
// into workerd. Values cycle so that every dimension has a realistic spread of values.
const INSERT_CLICKS = `
  INSERT INTO clicks (id, link_id, partner_id, created_at, visitor_id, is_bot, is_unique, device, os, browser, country,
    referrer_host, sub1, sub2, utm_source, placement, destination)
  WITH RECURSIVE seq(n) AS (SELECT ?1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?2)
  SELECT printf('%s%020d', ?3, n), printf('lnk_%02d', n % ${LINKS}), ?4, ?5 + (n * 86399999) / ?6, printf('v%d', n % 300000),
    n % 25 = 0, n % 3 <> 0,
    CASE n % 4 WHEN 0 THEN 'desktop' WHEN 3 THEN 'tablet' ELSE 'mobile' END, 'iOS', 'Safari',
    CASE n % 5 WHEN 0 THEN 'BE' WHEN 1 THEN 'CH' ELSE 'FR' END,
    CASE WHEN n % 7 = 0 THEN 'forum-auto.fr' END,
    printf('vehicle-%d', n % 40), CASE WHEN n % 2 = 0 THEN printf('p%d', n % 9) END,
    CASE WHEN n % 3 = 0 THEN 'app' END, printf('screen-%d', n % 6), 'https://www.autodoc.fr/'
  FROM seq`;

const INSERT_CONVERSIONS = `
  INSERT INTO conversions (id, partner_id, transaction_id, event, status, amount_minor, currency, commission_minor,
    attribution_method, click_id, link_id, click_to_conversion_ms, occurred_at)
  WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1)
  SELECT printf('cnv_%020d', n), ?2, printf('T%d', n), CASE WHEN n % 10 = 0 THEN 'lead' ELSE 'sale' END,
    CASE WHEN n % 20 = 0 THEN 'rejected' WHEN n % 2 = 0 THEN 'approved' ELSE 'pending' END,
    2000 + (n * 37) % 20000, 'EUR', 200 + (n * 7) % 2000,
    CASE WHEN n % 9 = 0 THEN 'none' ELSE 'click_id' END,
    CASE WHEN n % 9 = 0 THEN NULL ELSE printf('C%020d', n * 50) END,
    CASE WHEN n % 9 = 0 THEN NULL ELSE printf('lnk_%02d', (n * 50) % ${LINKS}) END,
    CASE WHEN n % 9 = 0 THEN NULL ELSE 1000 * ((n * 7919) % 86400) END,
    ?3 + (n * 86399999) / ?1
  FROM seq`;

async function main() {
  console.log(
    `Daily aggregation of ${CLICKS.toLocaleString('en')} clicks (+${OTHER_CLICKS.toLocaleString('en')} of another partner, ${CONVERSIONS.toLocaleString('en')} conversions)\n`,
  );
  const paths = await timed('build (wrangler deploy --dry-run, esbuild)', async () => build());
  const reports = await import(pathToFileURL(paths.value.reports).href);
  const settings = readWranglerConfig(root);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // On disk, as D1 keeps its data, rather than in memory.
      d1Persist: join(tmp, 'd1'),
      workers: [
        {
          name: 'relais',
          modules: true,
          scriptPath: paths.value.worker,
          modulesRoot: dirname(paths.value.worker),
          compatibilityDate: settings.compatibilityDate,
          bindings: {
            ADMIN_API_KEY: ADMIN_KEY,
            HASH_KEY: 'bench-hash-key-0123456789abcdefghijk',
            SECRETS_KEY: 'bench-secrets-key-0123456789abcdefgh',
            ENVIRONMENT: 'development',
            PUBLIC_ORIGIN: '',
          },
          d1Databases: { DB: 'relais-bench-aggregate' },
          durableObjects: settings.durableObjects,
        },
      ],
    }),
  );
  try {
    const db = await mf.getD1Database('DB', 'relais');
    await applyMigrations(root, db);
    for (const [id, slug] of [
      [PARTNER, 'bench'],
      [OTHER, 'other'],
    ]) {
      await db
        .prepare(
          `INSERT INTO partners (id, slug, name, status, integration, category, allowed_domains, commission_rules,
             affiliate_params, postback_params, status_map, report_columns, ip_allowlist, postback_token_hash, signing_secret_enc)
           VALUES (?1, ?2, ?2, 'active', 'direct_api', 'pieces', '[]', '[]', '{}', '{}', '{}', '{}', '[]', 'x', 'x')`,
        )
        .bind(id, slug)
        .run();
    }
    await timed(
      `insert ${(CLICKS + OTHER_CLICKS).toLocaleString('en')} clicks, ${BATCH.toLocaleString('en')} a statement`,
      async () => {
        for (const [partner, count, prefix] of [
          [PARTNER, CLICKS, 'C'],
          [OTHER, OTHER_CLICKS, 'O'],
        ]) {
          for (let from = 0; from < count; from += BATCH) {
            const to = Math.min(from + BATCH, count) - 1;
            await db.prepare(INSERT_CLICKS).bind(from, to, prefix, partner, DAY_START, count).run();
          }
        }
      },
    );
    await timed(`insert ${CONVERSIONS.toLocaleString('en')} conversions`, () =>
      db.prepare(INSERT_CONVERSIONS).bind(CONVERSIONS, PARTNER, DAY_START).run(),
    );
    await db.prepare('ANALYZE').run();

    // A UTC day, as the Worker below reads it: it is given no REPORT_TIMEZONE.
    const scope = { date: DATE, partnerId: PARTNER, currency: 'EUR', computedAtMs: Date.now(), timeZone: 'UTC' };
    console.log('\nStatements, one by one (D1 batches as the Worker sends them):');
    let sum = 0;
    sum += (
      await timed('  daily_aggregates (links + partner total)', () => db.batch(reports.aggregateStatements(db, scope)))
    ).ms;
    for (const dimension of reports.BREAKDOWN_DIMENSIONS) {
      sum += (
        await timed(`  daily_breakdowns ${dimension}`, () =>
          db.batch(reports.breakdownStatements(db, scope, dimension)),
        )
      ).ms;
    }
    console.log(`${'  sum'.padEnd(44)} ${sum.toFixed(0).padStart(7)} ms`);

    console.log('\nThrough the Worker (POST /api/v1/reports/daily/rebuild, twice):');
    for (const round of [1, 2]) {
      await timed(`  rebuild, run ${round}`, async () => {
        const res = await mf.dispatchFetch('http://bench.local/api/v1/reports/daily/rebuild', {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ date: DATE, partnerId: PARTNER }),
        });
        if (res.status !== 200) throw new Error(`rebuild answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      });
    }

    const total = await db
      .prepare(
        `SELECT clicks, unique_clicks, bot_clicks, conversions FROM daily_aggregates WHERE date = ?1 AND partner_id = ?2 AND link_id = '*'`,
      )
      .bind(DATE, PARTNER)
      .first();
    const expected = await db
      .prepare(`SELECT SUM(is_bot = 0) AS clicks, SUM(is_bot) AS bots FROM clicks WHERE partner_id = ?1`)
      .bind(PARTNER)
      .first();
    const breakdownRows = await db
      .prepare('SELECT COUNT(*) AS n FROM daily_breakdowns WHERE partner_id = ?1')
      .bind(PARTNER)
      .first();
    console.log(`\nPartner total: ${JSON.stringify(total)}; breakdown rows: ${breakdownRows.n}`);
    if (total.clicks !== expected.clicks || total.bot_clicks !== expected.bots) {
      throw new Error(`aggregate mismatch: expected ${JSON.stringify(expected)}`);
    }
  } finally {
    await mf.dispose();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(dirname(paths.value.worker), { recursive: true, force: true });
  }
}

await main();
