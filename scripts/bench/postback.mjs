// Load of signed conversion postbacks (POST /pb/:slug), each with its own transaction id, for `npm run bench`.
import { createHmac, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

/** The Standard Webhooks signature header of a message (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`). */
function sign(secret, id, timestampSec, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
}

/**
 * One autocannon run of exactly `amount` postbacks. A run cut off by a timer would leave
 * postbacks in flight that the Worker may store but autocannon never counts, and stored
 * conversions could then exceed the acknowledged ones; a fixed amount ends only when every
 * answer is in.
 */
function run({ url, partnerSlug, signingSecret, connections, amount, next }) {
  let acknowledged = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        amount,
        requests: [
          {
            method: 'POST',
            path: `/pb/${partnerSlug}`,
            setupRequest(req) {
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
              };
              return req;
            },
            onResponse(status) {
              if (status === 200) acknowledged++;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve({ result, acknowledged })),
    );
  });
}

/**
 * Fires signed postbacks with unique transaction ids at `url` for about `durationSec` seconds
 * over `connections` connections, and answers throughput and latency (ms) with how many were
 * sent and how many were acknowledged with a 200 (each acknowledgement must be one stored
 * conversion). A short first run measures the rate, so that the main run can be sized to the
 * duration and still end with every answer received. Postbacks answered 429 by the rate limiter
 * are sent but not acknowledged: raise `POSTBACK_RATE_PER_SEC` and `POSTBACK_BURST` to measure
 * intake rather than the limiter.
 * @example await benchPostbacks({ url: 'http://127.0.0.1:8787', partnerSlug: 'oscaro', signingSecret: 'whsec_...', connections: 50, durationSec: 10 })
 * // { reqPerSec: 1800, p50: 24, p99: 61, sent: 18200, acknowledged: 18200 }
 */
export async function benchPostbacks({ url, partnerSlug, signingSecret, connections, durationSec }) {
  const runId = randomBytes(4).toString('hex');
  let n = 0;
  const next = () => `${runId}-${++n}`;
  const common = { url, partnerSlug, signingSecret, connections, next };
  const warmup = await run({ ...common, amount: connections * 10 });
  const rate = Math.max(1, warmup.result.requests.average || warmup.result.totalCompletedRequests);
  const main = await run({ ...common, amount: Math.max(connections, Math.round(rate * durationSec)) });
  return {
    reqPerSec: Math.round(main.result.requests.average),
    p50: main.result.latency.p50,
    p99: main.result.latency.p99,
    sent: warmup.result.requests.sent + main.result.requests.sent,
    acknowledged: warmup.acknowledged + main.acknowledged,
  };
}
