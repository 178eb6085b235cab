// Signed postbacks under a flood of forged ones from another address, for `npm run bench`: what gets through, and what the flood writes to D1.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** The address the flood comes from, and the one the partner posts from. */
export const FLOOD_IP = '198.51.100.66';
export const PARTNER_IP = '198.51.100.77';
const FLOOD_CONNECTIONS = 10;
// DEFAULT_FAILURE_LIMIT of src/isolate/rate-limit.ts: an address may fail 60 times, then once every 2 s.
const FAILURE_BURST = 60;
const FAILURE_RATE_PER_SEC = 0.5;

/**
 * Floods `POST <path>` from FLOOD_IP with postbacks whose signature is wrong, for as long as
 * `sendSigned` takes to post the partner's own (signed, from PARTNER_IP), then stops the flood.
 * Prints how many signed postbacks were acknowledged, how the flood was answered, and the D1 rows
 * it left: rows of failure counts, their attempts, and log rows. The flood passes when every
 * signed postback was acknowledged, no log row was written for it, and its counted attempts stay
 * within the failure bucket (its burst, its rate over the flood's time, and the attempts under way
 * when the address first failed). Answers the signed run and whether the flood passed.
 * @example const { signed, passed } = await underFlood({ relaisUrl, path: '/pb/bench-oscaro', db, partnerId, sendSigned })
 */
export async function underFlood({ relaisUrl, path, db, partnerId, sendSigned }) {
  const statuses = new Map();
  const startedAt = performance.now();
  let stopFlood;
  const flood = new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: relaisUrl,
        connections: FLOOD_CONNECTIONS,
        // Stopped once the signed postbacks are all answered.
        duration: 600,
        requests: [
          {
            method: 'POST',
            path,
            setupRequest(req) {
              const id = `msg_flood_${Math.random().toString(36).slice(2)}`;
              req.body = JSON.stringify({ transactionId: id, amount: '1.00' });
              req.headers = {
                'content-type': 'application/json',
                'cf-connecting-ip': FLOOD_IP,
                'webhook-id': id,
                'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
                'webhook-signature': 'v1,Zm9yZ2VkIHNpZ25hdHVyZSBvZiB0aGUgYmVuY2g=',
              };
              return req;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, statusCode) => statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1));
    stopFlood = () => instance.stop();
  });
  let signed;
  try {
    signed = await sendSigned(PARTNER_IP);
  } finally {
    stopFlood();
    await flood;
  }
  const seconds = (performance.now() - startedAt) / 1000;

  const counted = await db
    .prepare('SELECT count(*) AS rows, coalesce(sum(count), 0) AS attempts FROM postback_failures WHERE partner_id = ?')
    .bind(partnerId)
    .first();
  const logged = await db
    .prepare("SELECT count(*) AS n FROM postback_log WHERE partner_id = ? AND outcome = 'rejected'")
    .bind(partnerId)
    .first();
  const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
  const answers = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${n} x ${status}`)
    .join(', ');
  const attemptsBound = FAILURE_BURST + Math.ceil(FAILURE_RATE_PER_SEC * seconds) + FLOOD_CONNECTIONS;
  const rowsBound = Math.ceil(seconds / 60) + 1;
  const passed =
    signed.served === signed.sent && logged.n === 0 && counted.attempts <= attemptsBound && counted.rows <= rowsBound;
  console.log(
    `under a flood: ${signed.served} of ${signed.sent} signed postbacks acknowledged (2xx) from ${PARTNER_IP}, ` +
      `while ${FLOOD_IP} sent ${sent} forged ones in ${seconds.toFixed(1)} s (${answers})`,
  );
  console.log(
    `D1 rows written for the flood: ${counted.rows} (counting ${counted.attempts} failed attempts; bounds ${rowsBound} rows, ` +
      `${attemptsBound} attempts) and ${logged.n} log rows: ${passed ? 'met' : 'MISSED'}`,
  );
  return { signed, passed };
}
