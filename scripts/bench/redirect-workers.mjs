// Starts the bench's workerd: the Relais bundle (D1, Durable Objects, secrets) and a bare 302 Worker, both on direct sockets.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

/** The simplest possible redirect Worker: the ceiling any redirect can reach on this machine. */
const BARE_WORKER = `export default {
  fetch() {
    return new Response(null, { status: 302, headers: { location: 'https://www.example.com/landing?utm_source=bench' } });
  },
};`;

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

/**
 * Starts both Workers in one workerd. Each listens on its own direct socket, so requests skip
 * Miniflare's routing Worker and both are measured through the same path.
 */
export async function startWorkers(root, bundlePath) {
  const config = readWranglerConfig(root);
  const secrets = {
    ADMIN_API_KEY: `rl_admin_${randomBytes(24).toString('base64url')}`,
    HASH_KEY: randomBytes(32).toString('base64url'),
    SECRETS_KEY: randomBytes(32).toString('base64url'),
  };
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      log: undefined,
      workers: [
        {
          name: 'relais',
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
          durableObjects: config.durableObjects,
          unsafeDirectSockets: [{}],
        },
        {
          name: 'bare',
          modules: true,
          script: BARE_WORKER,
          compatibilityDate: config.compatibilityDate,
          unsafeDirectSockets: [{}],
        },
      ],
    }),
  );
  await mf.ready;
  const relaisUrl = (await mf.unsafeGetDirectURL('relais')).href.replace(/\/$/, '');
  const bareUrl = (await mf.unsafeGetDirectURL('bare')).href.replace(/\/$/, '');
  const db = await mf.getD1Database('DB', 'relais');
  return { mf, db, relaisUrl, bareUrl, secrets };
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
