#!/usr/bin/env node
// `npm run bench`: throughput and latency of the tracked redirect against a bare 302 Worker in the
// same workerd (Relais's Durable Objects and D1 in a second one, as on Cloudflare; see
// scripts/bench/redirect-workers.mjs), then a check that every redirect served became exactly one
// click row in D1; then signed postbacks against a bare D1 insert Worker (scripts/bench/postback.mjs),
// and under a flood of forged postbacks from one address (scripts/bench/postback-flood.mjs); then the
// console's overview and reports pages over 90 days of 20 partners (scripts/bench/console.mjs).
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchConsole } from './bench/console.mjs';
import { cpuMs, printAgainstBare, summarize } from './bench/figures.mjs';
import { benchPostbacks } from './bench/postback.mjs';
import { applyMigrations, buildBundle, callApi, setSchedulingPolicy, startWorkers } from './bench/redirect-workers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
// Each Worker's load is split into rounds taken in turn, so that the drift of this machine's speed
// (the bare Worker's CPU per request moves by a third from one minute to the next) weighs on both
// alike. The order swaps every round (bare, Relais, Relais, bare, bare...): each Worker follows the
// other as often, and whatever a round leaves behind (a collection, a backlog) falls on both.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const WARMUP_S = 3;
// BENCH_ONLY=postbacks (or console) runs that part alone, to iterate on it faster.
const ONLY = process.env.BENCH_ONLY ?? '';
if (ONLY !== '' && ONLY !== 'postbacks' && ONLY !== 'console') {
  throw new Error(`BENCH_ONLY=${ONLY}: only "postbacks" and "console" are known`);
}
const SETTLE_TIMEOUT_MS = 30_000;

// What phones send: a few real browsers and a link-preview bot, so that device description and bot
// detection see a mix rather than one remembered answer.
const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
];
const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

let requestNumber = 0;

/** What request `n` sends: its own address (so each click gets its own fingerprint) and a user agent. */
function headersOf(n) {
  return {
    'user-agent': USER_AGENTS[n % USER_AGENTS.length],
    accept: ACCEPT,
    'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8',
    'cf-connecting-ip': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  };
}

/**
 * One load run of exactly `amount` requests, each numbered in `sub1` so that a lost or doubled
 * click can be told from another. A fixed amount rather than a duration: a run cut off by a timer
 * leaves requests in flight that the Worker may serve but autocannon never counts. Throughput is
 * timed here, up to the last answer (autocannon only notices the end of an `amount` run at its next
 * one-second tick), and every answer's latency is kept, to the microsecond.
 */
function load(url, path, amount) {
  return new Promise((resolve, reject) => {
    const latencies = new Float64Array(amount);
    let answered = 0;
    let served = 0;
    let lastAt = 0;
    const startedAt = performance.now();
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        amount,
        requests: [
          {
            setupRequest(req) {
              const n = ++requestNumber;
              req.path = `${path}?sub1=${n}`;
              req.headers = headersOf(n);
              return req;
            },
          },
        ],
      },
      (err, result) =>
        err
          ? reject(err)
          : resolve({
              elapsedMs: lastAt - startedAt,
              latencies: latencies.subarray(0, answered),
              served,
              errors: result.errors + result.timeouts + result['4xx'] + result['5xx'],
            }),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (answered < latencies.length) latencies[answered++] = responseTime;
      if (statusCode >= 200 && statusCode < 400) served++;
      lastAt = performance.now();
    });
  });
}

function warmUp(url, path) {
  return new Promise((resolve, reject) =>
    autocannon(
      { url: `${url}${path}`, connections: CONNECTIONS, duration: WARMUP_S, headers: headersOf(0) },
      (err, r) => (err ? reject(err) : resolve(r.requests.total / WARMUP_S)),
    ),
  );
}

/** Waits until D1 holds every click of the link (and a little longer, to see any duplicate). */
async function clicksInD1(db, linkId, expected) {
  const started = Date.now();
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const row = await db
      .prepare('SELECT count(*) AS n, count(DISTINCT sub1) AS distinctRequests FROM clicks WHERE link_id = ?')
      .bind(linkId)
      .first();
    if (row.n !== last) {
      last = row.n;
      stableSince = Date.now();
    }
    const settled = Date.now() - stableSince > 1_500;
    if ((row.n >= expected && settled) || Date.now() - started > SETTLE_TIMEOUT_MS) {
      return { rows: row.n, distinct: row.distinctRequests, seconds: (stableSince - started) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until D1 holds `expected` clicks of the link, or nothing more arrives for a second. */
async function drain(db, linkId, expected) {
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const row = await db.prepare('SELECT count(*) AS n FROM clicks WHERE link_id = ?').bind(linkId).first();
    if (row.n >= expected) return;
    if (row.n !== last) {
      last = row.n;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 1_000) {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
/**
 * The redirect against the bare 302 Worker, in alternating rounds, then the check that every
 * redirect served became exactly one click row. Answers whether it did, and whether the storage
 * process was left on idle CPU time.
 */
async function benchRedirects({ db, relaisUrl, bareUrl, key, pids, oneProcess }) {
  const partner = await callApi(relaisUrl, key, 'POST', '/api/v1/partners', {
    name: 'Bench Autodoc',
    status: 'active',
    integration: 'direct_api',
    category: 'pieces',
    allowedDomains: ['autodoc.fr'],
    commissionRules: [{ percent: 8 }],
    affiliateParams: { aff_id: 'aau' },
  });
  const link = await callApi(relaisUrl, key, 'POST', '/api/v1/links', {
    partnerId: partner.id,
    destination: 'https://www.autodoc.fr/pieces/freinage?ref=app',
    slug: 'bench-freins',
    placement: 'diagnostic_freins',
  });
  // The warm-up has its own link, so that the check below counts the measured runs only.
  const warmLink = await callApi(relaisUrl, key, 'POST', '/api/v1/links', {
    partnerId: partner.id,
    destination: 'https://www.autodoc.fr/pieces/freinage?ref=app',
    slug: 'bench-warm',
  });
  const path = `/${link.slug}`;

  // The click writes happen after the 302, and on Cloudflare on other machines: the storage
  // process gets only the CPU time that the edge and the load generator leave, so that it stands
  // for those machines instead of taking the redirect's core. It still does all of its work (the
  // rounds wait for it, and its CPU is counted), and BENCH_STORAGE_PRIORITY=normal shares the
  // cores fairly instead.
  const storageIdle =
    !oneProcess && process.env.BENCH_STORAGE_PRIORITY !== 'normal' && setSchedulingPolicy(pids.storage, 'idle');
  if (!oneProcess) {
    console.log(
      storageIdle
        ? 'Storage process (Durable Objects, D1) on idle CPU time only (SCHED_IDLE), as on other machines.'
        : 'Storage process (Durable Objects, D1) sharing the CPU fairly with the edge and the load.',
    );
  }
  console.log(`Warming up both Workers (${WARMUP_S} s each)...`);
  const bareRate = await warmUp(bareUrl, path);
  await warmUp(relaisUrl, `/${warmLink.slug}`);
  // Its clicks are written before anything is measured.
  await drain(db, warmLink.id, Number.POSITIVE_INFINITY);
  const amount = Math.max(CONNECTIONS * 20, Math.round((bareRate * DURATION_S) / ROUNDS));

  console.log(
    `Loading each Worker with ${amount * ROUNDS} GET requests over ${CONNECTIONS} connections, in ${ROUNDS} alternating rounds...`,
  );
  const bareRuns = [];
  const relaisRuns = [];
  // CPU time of each process during each Worker's rounds, in milliseconds.
  const cpu = { bare: { edge: 0, storage: 0 }, relais: { edge: 0, storage: 0 } };
  const measured = async (side, work) => {
    const edge = cpuMs(pids.edge);
    const storage = cpuMs(pids.storage);
    const result = await work();
    cpu[side].edge += cpuMs(pids.edge) - edge;
    cpu[side].storage += cpuMs(pids.storage) - storage;
    return result;
  };
  const bareRound = async () => bareRuns.push(await measured('bare', () => load(bareUrl, path, amount)));
  const relaisRound = async () =>
    relaisRuns.push(
      await measured('relais', async () => {
        const run = await load(relaisUrl, path, amount);
        // The clicks of this round are written before the next round starts: the bare Worker is
        // not measured while Relais writes, and Relais's CPU includes its writes.
        await drain(
          db,
          link.id,
          relaisRuns.reduce((n, r) => n + r.served, run.served),
        );
        return run;
      }),
    );
  for (let i = 0; i < ROUNDS; i++) {
    for (const round of i % 2 === 0 ? [bareRound, relaisRound] : [relaisRound, bareRound]) await round();
  }
  const bare = summarize(bareRuns);
  const relais = summarize(relaisRuns);

  printAgainstBare({
    bareName: 'bare 302 Worker',
    relaisName: 'relais GET /:slug',
    bare,
    relais,
    yardstick: "the bare Worker's",
    minRatio: 0.6,
    aim: 0.75,
    p99SlackMs: 1,
  });

  if (cpu.bare.edge > 0) {
    const us = (ms) => `${((ms * 1000) / (amount * ROUNDS)).toFixed(1)} us`;
    const relaisTotal = cpu.relais.edge + cpu.relais.storage;
    console.log(
      oneProcess
        ? `workerd CPU per request: bare ${us(cpu.bare.edge)}, relais ${us(cpu.relais.edge)} including its click writes`
        : `workerd CPU per request: bare ${us(cpu.bare.edge)}; relais ${us(cpu.relais.edge)} in the Worker's process ` +
            `(bare / relais = ${((cpu.bare.edge / cpu.relais.edge) * 100).toFixed(1)}%) ` +
            `+ ${us(cpu.relais.storage)} in the storage process (Durable Objects, D1) = ${us(relaisTotal)}`,
    );
  }
  console.log('Waiting for the click buffers to write to D1...');
  const recorded = await clicksInD1(db, link.id, relais.served);
  const lost = relais.served - recorded.distinct;
  const duplicated = recorded.rows - recorded.distinct;
  console.log(
    `clicks: ${relais.served} redirects served (non-HEAD, 2xx/3xx), ${recorded.rows} rows in D1 ` +
      `(all there ${recorded.seconds.toFixed(1)} s after the last request): ${lost} lost, ${duplicated} duplicated`,
  );
  let consistent = lost === 0 && duplicated === 0 && recorded.rows === relais.served;
  if (relais.errors > 0 || bare.errors > 0) {
    console.log(`errors: bare ${bare.errors}, relais ${relais.errors}`);
    consistent = false;
  }
  return { consistent, storageIdle };
}

/** Signed postbacks against the bare insert Worker (scripts/bench/postback.mjs), for a partner of their own. */
async function benchPostbacksOn({ relaisUrl, bareInsertUrl, key, db, bareInsertDb, pids }) {
  const partner = await callApi(relaisUrl, key, 'POST', '/api/v1/partners', {
    name: 'Bench Oscaro',
    status: 'active',
    integration: 'direct_api',
    category: 'pieces',
    allowedDomains: ['oscaro.com'],
    commissionRules: [{ percent: 5 }],
  });
  return benchPostbacks({
    relaisUrl,
    bareInsertUrl,
    db,
    bareInsertDb,
    partner,
    pids,
    connections: CONNECTIONS,
    durationSec: DURATION_S,
    rounds: ROUNDS,
  });
}

async function main() {
  // workerd keeps D1 and Durable Object storage in files under the temporary folder; on a disk,
  // every storage commit would wait for an fsync that a production Worker's machine never does,
  // and the bench would measure this machine's disk instead of the Worker. Memory-backed if possible.
  if (existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
  console.log('Building the Worker (wrangler deploy --dry-run)...');
  const bundle = buildBundle(root);
  const oneProcess = process.env.BENCH_ONE_PROCESS === '1';
  const workers = await startWorkers(root, bundle, { oneProcess });
  const { stop, db, pids } = workers;
  console.log(
    oneProcess
      ? 'Layout: one workerd (the Workers, Durable Objects and D1 on one thread, as with wrangler dev).'
      : 'Layout: two workerd processes, the Workers in one (the edge), Durable Objects and D1 in the other (storage).',
  );
  let failed = false;
  try {
    await applyMigrations(root, db);
    const key = workers.secrets.ADMIN_API_KEY;
    let storageIdle = false;
    if (ONLY === '') {
      const redirects = await benchRedirects({ ...workers, key, oneProcess });
      storageIdle = redirects.storageIdle;
      if (!redirects.consistent) failed = true;
    }
    if (ONLY === 'postbacks' || (ONLY === '' && process.env.BENCH_POSTBACKS !== '0')) {
      // A postback's answer waits for D1: storage is on its path, not behind it.
      if (storageIdle && !setSchedulingPolicy(pids.storage, 'normal')) {
        console.log('(the storage process could not be given its fair share back: postbacks measured with it idle)');
      }
      if (!(await benchPostbacksOn({ ...workers, key }))) failed = true;
    }
    if (ONLY === 'console' || (ONLY === '' && process.env.BENCH_CONSOLE !== '0')) {
      // A page waits for D1 too: the storage process gets its fair share of the CPU.
      if (storageIdle) setSchedulingPolicy(pids.storage, 'normal');
      // Like the throughput targets, a missed budget is reported, not a failure of the run.
      await benchConsole({ ...workers, key });
    }
  } finally {
    await stop();
    rmSync(dirname(bundle), { recursive: true, force: true });
  }
  if (failed) {
    console.error('FAILED: what was stored differs from what was served, or a flood got through (see above).');
    process.exit(1);
  }
}

await main();
