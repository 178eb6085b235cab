// The bench's figures: load runs merged into throughput and latency, workerd CPU time, one printed row per Worker.
import { readFileSync } from 'node:fs';

/**
 * The runs of one Worker, merged: requests per second over the time the runs took (each timed up
 * to its last answer), p50 and p99 of every answer's latency (ms), the 2xx/3xx answers (`served`)
 * and the failures.
 * @example summarize([{ elapsedMs: 1000, latencies: new Float64Array([2, 3]), served: 2, errors: 0 }])
 * // { reqPerSec: 2, p50: 3, p99: 3, served: 2, errors: 0 }
 */
export function summarize(runs) {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let offset = 0;
  for (const r of runs) {
    all.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  all.sort();
  const at = (q) => all[Math.min(all.length - 1, Math.floor(q * all.length))];
  const elapsedMs = runs.reduce((n, r) => n + r.elapsedMs, 0);
  return {
    reqPerSec: Math.round(all.length / (elapsedMs / 1000)),
    p50: at(0.5),
    p99: at(0.99),
    served: runs.reduce((n, r) => n + r.served, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

/**
 * CPU time used so far by one workerd process, in milliseconds (Linux; 0 elsewhere). Throughput
 * moves with whatever else the machine does; CPU per request much less, and it also counts the
 * work done after the responses (the click writes).
 */
export function cpuMs(pid) {
  if (pid === null) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const ms = (v) => `${v.toFixed(1).padStart(6)} ms`;

/** One Worker's line: throughput, p50, p99. */
export function printRow(name, s) {
  console.log(`${name.padEnd(24)} ${String(s.reqPerSec).padStart(7)} req/s   p50 ${ms(s.p50)}   p99 ${ms(s.p99)}`);
}

/**
 * Prints a Worker's figures beside its bare yardstick's, then the two targets: throughput at least
 * `minRatio` of the bare one's, p99 at most twice the bare p99 plus `p99SlackMs`.
 */
export function printAgainstBare({ bareName, relaisName, bare, relais, yardstick, minRatio, aim, p99SlackMs }) {
  console.log('');
  printRow(bareName, bare);
  printRow(relaisName, relais);
  const ratio = relais.reqPerSec / bare.reqPerSec;
  const p99Limit = 2 * bare.p99 + p99SlackMs;
  const target = `target >= ${minRatio * 100}%${aim ? `, aim ${aim * 100}%` : ''}`;
  console.log(
    `throughput ${(ratio * 100).toFixed(1)}% of ${yardstick} (${target}): ${ratio >= minRatio ? 'met' : 'MISSED'}`,
  );
  console.log(
    `p99 ${relais.p99.toFixed(1)} ms against 2 x ${bare.p99.toFixed(1)} + ${p99SlackMs} = ${p99Limit.toFixed(1)} ms: ${relais.p99 <= p99Limit ? 'met' : 'MISSED'}`,
  );
}
