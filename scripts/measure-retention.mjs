#!/usr/bin/env node
// Measures the retention purge in workerd (Miniflare) on a local D1 and R2: N clicks over 120 days,
// then the job of src/jobs/retention.ts, run by run as the cron would, until nothing is left to do.
//
//   npm run measure:retention                              # 5,000,000 clicks
//   MEASURE_CLICKS=500000 npm run measure:retention
//   MEASURE_DAYS=120 MEASURE_RETENTION_DAYS=90 ...         # the spread of the clicks, the retention
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { applyMigrations, readWranglerConfig } from './bench/redirect-workers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLICKS = Number(process.env.MEASURE_CLICKS ?? 5_000_000);
const DAYS = Number(process.env.MEASURE_DAYS ?? 120);
const RETENTION_DAYS = Number(process.env.MEASURE_RETENTION_DAYS ?? 90);
/** One conversion every this many clicks: those clicks stay in D1, cleared. */
const CONVERSION_EVERY = 100;
/** One funnel event every this many clicks. */
const EVENT_EVERY = 20;
const INSERT_BATCH = 50_000;
const DAY_MS = 86_400_000;
// Today's midnight UTC plus 8 hours: the purge runs in the morning, as any 15-minute run would.
const NOW = Math.floor(Date.now() / DAY_MS) * DAY_MS + 8 * 3_600_000;
const FIRST_MS = NOW - DAYS * DAY_MS;
const PARTNER = 'ptn_measure';

const tmp = mkdtempSync(join(tmpdir(), 'relais-measure-retention-'));

/** A Worker that runs one purge per request: the job's module bundled on its own, as wrangler would. */
function build() {
  const entry = join(tmp, 'entry.ts');
  writeFileSync(
    entry,
    `import { runRetention } from ${JSON.stringify(join(root, 'src/jobs/retention.ts'))};
export default {
  async fetch(request, env) {
    const { nowMs } = await request.json();
    const started = Date.now();
    const run = await runRetention(env, nowMs);
    return Response.json({ ...run, ms: Date.now() - started });
  },
};\n`,
  );
  const out = join(tmp, 'worker.mjs');
  const res = spawnSync(
    join(root, 'node_modules', '.bin', 'esbuild'),
    [
      entry,
      '--log-level=error',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      '--conditions=workerd,worker,browser',
      `--outfile=${out}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (res.status !== 0) throw new Error('esbuild failed');
  return out;
}

// Crockford base32 of the millisecond, as a ULID's first ten characters, computed inside SQLite.
const A = "'0123456789ABCDEFGHJKMNPQRSTVWXYZ'";
const ULID_TIME = Array.from({ length: 10 }, (_, i) => `substr(${A}, ((t >> ${5 * (9 - i)}) & 31) + 1, 1)`).join(
  ' || ',
);

// Rows made inside SQLite by a recursive CTE, INSERT_BATCH a statement: only the statement crosses
// into workerd. The id is a ULID of the click time (the random part replaced by the row number).
const INSERT_CLICKS = `
  INSERT INTO clicks (id, link_id, partner_id, created_at, visitor_id, is_bot, is_unique, device, os, browser, country,
    language, referrer_host, user_agent, sub1, sub2, utm_source, placement, destination, uid_hash, fingerprint, recorded_at)
  WITH RECURSIVE seq(n) AS (SELECT ?1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?2),
    timed AS (SELECT n, ?3 + (n * ?4) / ?5 AS t FROM seq)
  SELECT ${ULID_TIME} || printf('%016d', n), printf('lnk_%02d', n % 20), '${PARTNER}', t,
    printf('01JVISITOR%016d', n % 400000), n % 25 = 0, n % 3 <> 0,
    CASE n % 4 WHEN 0 THEN 'desktop' WHEN 3 THEN 'tablet' ELSE 'mobile' END, 'iOS', 'Safari',
    CASE n % 5 WHEN 0 THEN 'BE' WHEN 1 THEN 'CH' ELSE 'FR' END, 'fr',
    CASE WHEN n % 7 = 0 THEN 'forum-auto.fr' END,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    printf('vehicle-%d', n % 40), CASE WHEN n % 2 = 0 THEN printf('p%d', n % 9) END,
    CASE WHEN n % 3 = 0 THEN 'app' END, printf('screen-%d', n % 6), 'https://www.autodoc.fr/freinage?ref=relais',
    CASE WHEN n % 10 = 0 THEN printf('%064x', n) END, printf('%064x', n * 7919), t + 800
  FROM timed`;

const INSERT_CONVERSIONS = `
  INSERT INTO conversions (id, partner_id, transaction_id, event, status, amount_minor, currency, commission_minor,
    attribution_method, click_id, link_id, occurred_at)
  SELECT 'cnv_' || id, partner_id, 'T' || id, 'sale', 'approved', 5000, 'EUR', 400, 'click_id', id, link_id,
    created_at + 3600000
  FROM clicks WHERE id >= ?1 AND id < ?2 AND CAST(substr(id, 11) AS INTEGER) % ${CONVERSION_EVERY} = 0`;

const INSERT_EVENTS = `
  INSERT INTO events (id, type, click_id, visitor_id, partner_id, link_id, created_at)
  SELECT 'evt_' || id, 'checkout', id, visitor_id, partner_id, link_id, created_at
  FROM clicks WHERE id >= ?1 AND id < ?2 AND CAST(substr(id, 11) AS INTEGER) % ${EVENT_EVERY} = 0`;

const fmt = (n) => Math.round(n).toLocaleString('en');
/** The database's size in bytes, as D1 reports it after a statement (free pages included). */
async function databaseBytes(db) {
  return (await db.prepare('SELECT 1').run()).meta.size_after ?? Number.NaN;
}

async function main() {
  console.log(
    `Retention purge: ${fmt(CLICKS)} clicks over ${DAYS} days, retention ${RETENTION_DAYS} days, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})\n`,
  );
  const script = build();
  const settings = readWranglerConfig(root);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // On disk, as D1 and R2 keep their data, rather than in memory.
      d1Persist: join(tmp, 'd1'),
      r2Persist: join(tmp, 'r2'),
      workers: [
        {
          name: 'retention',
          modules: true,
          scriptPath: script,
          modulesRoot: tmp,
          compatibilityDate: settings.compatibilityDate,
          compatibilityFlags: settings.compatibilityFlags,
          bindings: { CLICK_RETENTION_DAYS: String(RETENTION_DAYS) },
          d1Databases: { DB: 'relais-measure-retention' },
          r2Buckets: { ARCHIVE: 'relais-archive' },
        },
      ],
    }),
  );
  try {
    const db = await mf.getD1Database('DB', 'retention');
    await applyMigrations(root, db);
    await db
      .prepare(
        `INSERT INTO partners (id, slug, name, status, integration, category, allowed_domains, commission_rules,
           affiliate_params, postback_params, status_map, report_columns, ip_allowlist, postback_token_hash, signing_secret_enc)
         VALUES (?1, 'measure', 'measure', 'active', 'direct_api', 'pieces', '[]', '[]', '{}', '{}', '{}', '{}', '[]', 'x', 'x')`,
      )
      .bind(PARTNER)
      .run();

    let started = performance.now();
    for (let from = 0; from < CLICKS; from += INSERT_BATCH) {
      const to = Math.min(from + INSERT_BATCH, CLICKS) - 1;
      await db
        .prepare(INSERT_CLICKS)
        .bind(from, to, FIRST_MS, DAYS * DAY_MS, CLICKS)
        .run();
      if ((from / INSERT_BATCH) % 20 === 19) process.stdout.write(`  loaded ${fmt(to + 1)} clicks\n`);
    }
    await db.batch([db.prepare(INSERT_CONVERSIONS).bind('0', 'Z'), db.prepare(INSERT_EVENTS).bind('0', 'Z')]);
    const counts = await db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM clicks) AS clicks, (SELECT COUNT(*) FROM conversions) AS conversions,
           (SELECT COUNT(*) FROM events) AS events`,
      )
      .first();
    const d1Before = await databaseBytes(db);
    console.log(
      `loaded ${fmt(counts.clicks)} clicks, ${fmt(counts.conversions)} conversions, ${fmt(counts.events)} events ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s; database ${fmt(d1Before / 1e6)} MB\n`,
    );

    started = performance.now();
    const totals = {
      archivedRows: 0,
      deletedClicks: 0,
      keptClicks: 0,
      deletedEvents: 0,
      objects: 0,
      bytes: 0,
      writesMs: 0,
      archiveMs: 0,
    };
    let longestWriteMs = 0;
    let longestRunMs = 0;
    let runs = 0;
    for (;;) {
      const res = await mf.dispatchFetch('http://measure.local/', {
        method: 'POST',
        body: JSON.stringify({ nowMs: NOW }),
      });
      if (!res.ok) throw new Error(`run ${runs + 1} answered ${res.status}: ${await res.text()}`);
      const run = await res.json();
      runs++;
      for (const key of Object.keys(totals)) totals[key] += run[key];
      longestWriteMs = Math.max(longestWriteMs, run.longestWriteMs);
      longestRunMs = Math.max(longestRunMs, run.ms);
      if (runs % 5 === 0 || run.isDone) {
        console.log(
          `  run ${String(runs).padStart(3)}: ${fmt(run.archivedRows)} archived, ${fmt(run.deletedClicks)} deleted, ` +
            `${fmt(run.deletedEvents)} events, ${run.ms} ms, longest write ${run.longestWriteMs} ms`,
        );
      }
      if (run.isDone) break;
    }
    const totalMs = performance.now() - started;
    const d1After = await databaseBytes(db);
    const left = await db
      .prepare(
        `SELECT COUNT(*) AS n, SUM(created_at < ?1 AND NOT EXISTS (SELECT 1 FROM conversions c WHERE c.click_id = k.id))
           AS past FROM clicks k`,
      )
      .bind(Math.floor((NOW - RETENTION_DAYS * DAY_MS) / DAY_MS) * DAY_MS)
      .first();
    const perMillionS = totalMs / 1000 / (totals.archivedRows / 1e6);
    console.log(`
purge to completion          ${(totalMs / 1000).toFixed(1)} s in ${runs} runs (longest run ${(longestRunMs / 1000).toFixed(1)} s)
clicks archived              ${fmt(totals.archivedRows)} (deleted ${fmt(totals.deletedClicks)}, kept for conversions ${fmt(totals.keptClicks)})
events deleted               ${fmt(totals.deletedEvents)}
per million clicks archived  ${perMillionS.toFixed(1)} s (archived, verified and deleted)
  of which                   ${(totals.archiveMs / 1000).toFixed(1)} s reading, writing and verifying objects, ${(totals.writesMs / 1000).toFixed(1)} s in D1 deletes and clears
longest single D1 write      ${longestWriteMs} ms (a DELETE of at most 5,000 clicks or an UPDATE)
objects written              ${fmt(totals.objects)}, ${fmt(totals.bytes / 1e6)} MB (${(totals.bytes / totals.archivedRows).toFixed(1)} bytes a click)
clicks left in D1            ${fmt(left.n)}, of which past retention and not kept: ${fmt(left.past)}
database size                ${fmt(d1Before / 1e6)} MB before, ${fmt(d1After / 1e6)} MB after (SQLite reuses freed pages)`);
  } finally {
    await mf.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
