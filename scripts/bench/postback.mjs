// Signed conversion postbacks (POST /pb/:slug) against a bare D1 insert Worker, then under a flood of forged ones, then a check that every acknowledged one is stored, for `npm run bench`.
import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuMs, printAgainstBare, summarize } from './figures.mjs';
import { underFlood } from './postback-flood.mjs';

/** The table of scripts/bench/bare-insert-worker.mjs: what a conversion row holds, without Relais's indexes. */
const BARE_INSERT_TABLE = `CREATE TABLE IF NOT EXISTS bare_conversions (
  id TEXT PRIMARY KEY,
  partner_id TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
)`;

const WARMUP_S = 3;
// Signed postbacks take from tens to hundreds of milliseconds each: a run shorter than this many
// postbacks per connection would be mostly its own start and end.
const MIN_PER_CONNECTION = 10;

/** The Standard Webhooks signature header of a message (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`). */
function sign(secret, id, timestampSec, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
}

/**
 * One load run of exactly `amount` signed postbacks at `url`, each with its own transaction id
 * (from `next`). A fixed amount rather than a duration: a run cut off by a timer leaves postbacks
 * in flight that the Worker may store but that are never counted. Throughput is timed here, up to
 * the last answer, every answer's latency is kept (ms, to the microsecond), and so are the
 * transaction ids answered 2xx, to be found in D1 afterwards. `clientIp`, when given, is the
 * address every postback says it comes from (`cf-connecting-ip`).
 */
function run({ url, path, signingSecret, connections, amount, next, clientIp }) {
  return new Promise((resolve, reject) => {
    const latencies = new Float64Array(amount);
    const acknowledged = [];
    let answered = 0;
    let lastAt = 0;
    const startedAt = performance.now();
    const instance = autocannon(
      {
        url,
        connections,
        amount,
        requests: [
          {
            method: 'POST',
            path,
            // One request at a time per connection: the context seen by `onResponse` is the one
            // this request was set up with.
            setupRequest(req, context) {
              const n = next();
              const body = JSON.stringify({
                transactionId: `bench-${n}`,
                amount: '49.90',
                currency: 'EUR',
                category: 'freinage',
              });
              const id = `msg_bench_${n}`;
              const timestampSec = Math.floor(Date.now() / 1000);
              req.body = body;
              req.headers = {
                'content-type': 'application/json',
                'webhook-id': id,
                'webhook-timestamp': String(timestampSec),
                'webhook-signature': sign(signingSecret, id, timestampSec, body),
                ...(clientIp ? { 'cf-connecting-ip': clientIp } : {}),
              };
              context.transactionId = `bench-${n}`;
              return req;
            },
            onResponse(status, _body, context) {
              if (status >= 200 && status < 300) acknowledged.push(context.transactionId);
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
              served: acknowledged.length,
              acknowledged,
              sent: result.requests.sent,
              errors: result.errors + result.timeouts + result.non2xx,
            }),
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
      if (answered < latencies.length) latencies[answered++] = responseTime;
      lastAt = performance.now();
    });
  });
}

/**
 * Transaction ids acknowledged (2xx) against those stored: an acknowledged postback missing from D1
 * is lost, a transaction stored twice is duplicated; one stored without a 2xx (an error after the
 * write) is only counted, since its sender would retry it.
 */
async function storedAgainstAcknowledged(db, sql, binds, acknowledgedIds) {
  const { results } = await db
    .prepare(sql)
    .bind(...binds)
    .all();
  const stored = new Set(results.map((r) => r.transactionId));
  const acknowledged = new Set(acknowledgedIds);
  let lost = 0;
  for (const id of acknowledged) if (!stored.has(id)) lost++;
  let unacknowledged = 0;
  for (const id of stored) if (!acknowledged.has(id)) unacknowledged++;
  return { rows: results.length, lost, duplicated: results.length - stored.size, unacknowledged };
}

/**
 * Loads Relais's `POST /pb/:slug` with signed postbacks and the bare insert Worker with the very
 * same requests (connections, duration, bodies and headers), prints both Workers' figures, the
 * ratios against their targets and the CPU per postback of each process; then posts Relais's
 * signed postbacks once more while another address floods the slug with forged ones
 * (postback-flood.mjs); then checks that every acknowledged postback is in D1, exactly once, on
 * both sides. Answers whether it is, and whether the flood stayed within its bounds.
 *
 * Each Worker's load comes in `rounds` rounds taken in turn, in the order bare, Relais, Relais,
 * bare...: this machine's speed drifts from minute to minute, and alternating makes the drift weigh
 * on both alike. Each round is sized from that Worker's own rate in the warm-up, so that each
 * Worker is loaded for about `durationSec` seconds in all.
 * @example await benchPostbacks({ relaisUrl, bareInsertUrl, db, bareInsertDb, partner, pids, connections: 50, durationSec: 10, rounds: 4 })
 * // true
 */
export async function benchPostbacks({
  relaisUrl,
  bareInsertUrl,
  db,
  bareInsertDb,
  partner,
  pids,
  connections,
  durationSec,
  rounds,
}) {
  await bareInsertDb.prepare(BARE_INSERT_TABLE).run();
  const runId = randomBytes(4).toString('hex');
  let n = 0;
  const next = () => `${runId}-${++n}`;
  const common = { path: `/pb/${partner.slug}`, signingSecret: partner.signingSecret, connections, next };
  const sides = {
    bare: { url: bareInsertUrl, runs: [], acknowledged: [], sent: 0, cpu: { edge: 0, storage: 0 } },
    relais: { url: relaisUrl, runs: [], acknowledged: [], sent: 0, cpu: { edge: 0, storage: 0 } },
  };
  const loadOnce = async (side, amount, clientIp) => {
    const r = await run({ ...common, url: side.url, amount, clientIp });
    side.acknowledged.push(...r.acknowledged);
    side.sent += r.sent;
    return r;
  };

  console.log(`Warming up the bare insert Worker and POST /pb/:slug (${WARMUP_S} s each)...`);
  const rates = {};
  for (const [name, side] of Object.entries(sides)) {
    const until = performance.now() + WARMUP_S * 1000;
    let last;
    do last = await loadOnce(side, connections * MIN_PER_CONNECTION);
    while (performance.now() < until);
    rates[name] = last.latencies.length / (last.elapsedMs / 1000);
  }
  const amountOf = (name) =>
    Math.max(connections * MIN_PER_CONNECTION, Math.round((rates[name] * durationSec) / rounds));
  const amounts = { bare: amountOf('bare'), relais: amountOf('relais') };
  console.log(
    `Loading each with signed postbacks over ${connections} connections in ${rounds} alternating rounds, sized to ` +
      `last ${durationSec} s in all at the warm-up's rate (at least ${connections * MIN_PER_CONNECTION} a round): ` +
      `bare insert ${amounts.bare * rounds}, Relais ${amounts.relais * rounds} postbacks...`,
  );
  const round = async (name) => {
    const side = sides[name];
    const edge = cpuMs(pids.edge);
    const storage = cpuMs(pids.storage);
    side.runs.push(await loadOnce(side, amounts[name]));
    side.cpu.edge += cpuMs(pids.edge) - edge;
    side.cpu.storage += cpuMs(pids.storage) - storage;
  };
  for (let i = 0; i < rounds; i++) {
    for (const name of i % 2 === 0 ? ['bare', 'relais'] : ['relais', 'bare']) await round(name);
  }
  const bare = summarize(sides.bare.runs);
  const relais = summarize(sides.relais.runs);

  printAgainstBare({
    bareName: 'bare insert Worker',
    relaisName: 'relais POST /pb/:slug',
    bare,
    relais,
    yardstick: "the bare insert's",
    minRatio: 0.5,
    p99SlackMs: 5,
  });
  if (sides.bare.cpu.edge > 0) {
    const us = (name, ms) => `${((ms * 1000) / (amounts[name] * rounds)).toFixed(1)} us`;
    const perProcess = (name) => {
      const { edge, storage } = sides[name].cpu;
      return pids.storage === null
        ? us(name, edge)
        : `${us(name, edge)} in the Workers' process + ${us(name, storage)} in the storage process = ${us(name, edge + storage)}`;
    };
    console.log(`workerd CPU per postback: bare insert ${perProcess('bare')}; relais ${perProcess('relais')}`);
  }

  // Then the partner's signed postbacks again, while another address floods the same slug with
  // forged ones: they must all get through, and the flood may write only a bounded count to D1.
  console.log(
    `Signed postbacks (${connections * MIN_PER_CONNECTION}) under a flood of forged ones from one address...`,
  );
  const flood = await underFlood({
    relaisUrl,
    path: common.path,
    db,
    partnerId: partner.id,
    sendSigned: (clientIp) => loadOnce(sides.relais, connections * MIN_PER_CONNECTION, clientIp),
  });

  const checks = [
    [
      'conversions',
      relais,
      sides.relais,
      await storedAgainstAcknowledged(
        db,
        'SELECT transaction_id AS transactionId FROM conversions WHERE partner_id = ?',
        [partner.id],
        sides.relais.acknowledged,
      ),
    ],
    [
      'bare inserts',
      bare,
      sides.bare,
      await storedAgainstAcknowledged(
        bareInsertDb,
        "SELECT json_extract(body, '$.transactionId') AS transactionId FROM bare_conversions",
        [],
        sides.bare.acknowledged,
      ),
    ],
  ];
  let consistent = flood.passed;
  for (const [what, figures, side, stored] of checks) {
    console.log(
      `${what}: ${side.acknowledged.length} acknowledged (2xx) of ${side.sent} sent, warm-up included, ${stored.rows} rows in D1: ` +
        `${stored.lost} lost, ${stored.duplicated} duplicated, ${stored.unacknowledged} stored without a 2xx` +
        (figures.errors > 0 ? `; ${figures.errors} errors in the measured rounds` : ''),
    );
    if (stored.lost !== 0 || stored.duplicated !== 0 || side.acknowledged.length !== side.sent) consistent = false;
  }
  return consistent;
}
