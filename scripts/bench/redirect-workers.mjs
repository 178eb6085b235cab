// Starts the bench's workerd processes: the Relais bundle (D1, Durable Objects, secrets), a bare 302 Worker and a bare D1 insert Worker, on direct sockets.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

// Miniflare fetches request.cf's values from workers.cloudflare.com unless told not to: every
// script that starts workerd through this module runs offline, on placeholders.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

/** The simplest possible redirect Worker: the ceiling any redirect can reach on this machine. */
const BARE_WORKER = `export default {
  fetch() {
    return new Response(null, { status: 302, headers: { location: 'https://www.example.com/landing?utm_source=bench' } });
  },
};`;

/** The simplest possible postback Worker (one D1 insert per POST): the ceiling any postback intake can reach. */
const BARE_INSERT_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'bare-insert-worker.mjs');

/** The Worker in the storage process: the same bundle, serving only its Durable Objects. */
const STORAGE_WORKER = 'relais-storage';

/** Builds the Worker offline, exactly as `wrangler deploy` would bundle it, and returns the bundle's path. */
export function buildBundle(root) {
  const outdir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  // Through this very Node (the project's own 22), whatever `node` is first on the PATH.
  const res = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_DISABLE_TELEMETRY: 'true', CI: 'true' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (res.status !== 0) throw new Error('wrangler deploy --dry-run failed');
  return join(outdir, 'index.js');
}

/** What the bench needs of wrangler.toml: the compatibility settings and the Durable Object bindings. */
export function readWranglerConfig(root) {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  const compatibilityFlags = flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
  const durableObjects = {};
  for (const block of toml.split('[[durable_objects.bindings]]').slice(1)) {
    const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    const className = /^class_name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (name && className) durableObjects[name] = { className, useSQLite: true };
  }
  return { compatibilityDate, compatibilityFlags, durableObjects };
}

/** The bench's secrets: random, never the ones of a real deployment. */
function benchSecrets() {
  return {
    ADMIN_API_KEY: `rl_admin_${randomBytes(24).toString('base64url')}`,
    HASH_KEY: randomBytes(32).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('base64url'),
  };
}

/** The Relais Worker's options, shared by both of its processes. */
function relaisWorker(config, bundlePath, secrets, name) {
  return {
    name,
    modules: true,
    scriptPath: bundlePath,
    // Module names are paths relative to this root; the bundle lives in a temporary folder.
    modulesRoot: dirname(bundlePath),
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    // Postback limits raised far above the load, so that the postback bench measures intake.
    bindings: {
      ...secrets,
      ENVIRONMENT: 'development',
      PUBLIC_ORIGIN: '',
      POSTBACK_RATE_PER_SEC: '1000000',
      POSTBACK_BURST: '1000000',
      POSTBACK_IP_RATE_PER_SEC: '1000000',
      POSTBACK_IP_BURST: '1000000',
    },
    d1Databases: { DB: 'relais-bench' },
  };
}

const bareWorker = (config) => ({
  name: 'bare',
  modules: true,
  script: BARE_WORKER,
  compatibilityDate: config.compatibilityDate,
  unsafeDirectSockets: [{}],
});

// Its D1 database is bound like Relais's: with shared storage, the storage process serves it.
const bareInsertWorker = (config) => ({
  name: 'bare-insert',
  modules: true,
  scriptPath: BARE_INSERT_WORKER,
  modulesRoot: dirname(BARE_INSERT_WORKER),
  compatibilityDate: config.compatibilityDate,
  d1Databases: { DB: 'bare-insert-bench' },
  unsafeDirectSockets: [{}],
});

/** The workerd processes started by this Node process so far. */
function workerdPids() {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-x', 'workerd'])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts the Workers as Cloudflare places them: the Relais Worker and the bare Workers in one
 * workerd (the edge), Relais's Durable Objects and the D1 databases (Relais's and the bare insert
 * Worker's) in another (storage).
 *
 * Why two processes: on Cloudflare a Durable Object never runs in the isolate, nor on the thread,
 * of the Worker that calls it, and D1 is a remote database. In a single workerd all of them share
 * one isolate and one thread, so every click write and its garbage would be paid for by the
 * redirects themselves. Both processes still share this machine's cores with the load generator,
 * unless the storage process is given idle time only (`setSchedulingPolicy`). Miniflare's dev
 * registry connects the edge's Durable Object bindings to the storage process, and its shared
 * storage makes the storage process the one owner of D1 (`db` reads the same database).
 * With `oneProcess`, everything runs in a single workerd instead, as `wrangler dev` would.
 */
export async function startWorkers(root, bundlePath, { oneProcess = false } = {}) {
  const config = readWranglerConfig(root);
  const secrets = benchSecrets();
  if (oneProcess) {
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        log: undefined,
        workers: [
          {
            ...relaisWorker(config, bundlePath, secrets, 'relais'),
            durableObjects: config.durableObjects,
            unsafeDirectSockets: [{}],
          },
          bareWorker(config),
          bareInsertWorker(config),
        ],
      }),
    );
    await mf.ready;
    return started({ edge: mf, stop: () => mf.dispose(), edgePid: workerdPids()[0], storagePid: null, secrets });
  }

  const state = mkdtempSync(join(tmpdir(), 'relais-bench-state-'));
  const shared = (instance) => ({
    enableDevRegistry: true,
    unsafeDevRegistryPath: join(state, 'registry'),
    unsafeEnableSharedStorage: true,
    resourcePersistencePath: join(state, 'shared'),
    isolatedResourcePersistencePath: join(state, instance),
  });
  const instances = [];
  const stop = async () => {
    for (const mf of instances.reverse()) await mf.dispose();
    rmSync(state, { recursive: true, force: true });
  };
  try {
    const storage = new Miniflare({
      ...convertV4MiniflareOptions({
        log: undefined,
        workers: [
          { ...relaisWorker(config, bundlePath, secrets, STORAGE_WORKER), durableObjects: config.durableObjects },
        ],
      }),
      ...shared('storage'),
    });
    instances.push(storage);
    await storage.ready;
    const [storagePid] = workerdPids();
    const remoteObjects = Object.fromEntries(
      Object.entries(config.durableObjects).map(([binding, { className }]) => [
        binding,
        { className, scriptName: STORAGE_WORKER },
      ]),
    );
    const edge = new Miniflare({
      ...convertV4MiniflareOptions({
        log: undefined,
        workers: [
          {
            ...relaisWorker(config, bundlePath, secrets, 'relais'),
            durableObjects: remoteObjects,
            unsafeDirectSockets: [{}],
          },
          bareWorker(config),
          bareInsertWorker(config),
        ],
      }),
      ...shared('edge'),
    });
    instances.push(edge);
    await edge.ready;
    const edgePid = workerdPids().find((pid) => pid !== storagePid);
    return await started({ edge, stop, edgePid, storagePid, secrets });
  } catch (err) {
    await stop();
    throw err;
  }
}

async function started({ edge, stop, edgePid, storagePid, secrets }) {
  const relaisUrl = (await edge.unsafeGetDirectURL('relais')).href.replace(/\/$/, '');
  const bareUrl = (await edge.unsafeGetDirectURL('bare')).href.replace(/\/$/, '');
  const bareInsertUrl = (await edge.unsafeGetDirectURL('bare-insert')).href.replace(/\/$/, '');
  const db = await edge.getD1Database('DB', 'relais');
  const bareInsertDb = await edge.getD1Database('DB', 'bare-insert');
  return {
    stop,
    // The Worker process's Miniflare: its bindings reach the Durable Objects as the Worker does.
    edge,
    db,
    bareInsertDb,
    relaisUrl,
    bareUrl,
    bareInsertUrl,
    secrets,
    pids: { edge: edgePid ?? null, storage: storagePid },
  };
}

/**
 * Sets the scheduling policy of every thread of a process (Linux `chrt`): `idle` (SCHED_IDLE) runs
 * it only on CPU time no other process wants, `normal` (SCHED_OTHER) shares CPU time fairly.
 * Answers whether it could.
 */
export function setSchedulingPolicy(pid, policy) {
  if (pid === null) return false;
  try {
    execFileSync('chrt', ['--all-tasks', policy === 'idle' ? '--idle' : '--other', '--pid', '0', String(pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** Applies the project's migrations with the D1 API, statement by statement, in file order. */
export async function applyMigrations(root, db) {
  const dir = join(root, 'migrations');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

/** Calls the management API of the Relais Worker and fails loudly on an unexpected status. */
export async function callApi(base, key, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
