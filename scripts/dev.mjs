#!/usr/bin/env node
// `npm start`: prepares secrets and the local D1, runs the Worker on 127.0.0.1, seeds the demo
// data through the API and prints how to use it. Needs no Cloudflare account and no network.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8787);
const host = '127.0.0.1';
const base = `http://${host}:${port}`;
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_DISABLE_TELEMETRY: 'true',
  NO_UPDATE_NOTIFIER: '1',
};

/** Creates .dev.vars from the example, with a fresh random value wherever it says "generate". */
function ensureDevVars() {
  const path = join(root, '.dev.vars');
  if (existsSync(path)) return;
  const example = readFileSync(join(root, '.dev.vars.example'), 'utf8');
  const filled = example.replace(/^(\w+)=generate$/gm, (_, name) =>
    name === 'ADMIN_API_KEY'
      ? `${name}=rl_admin_${randomBytes(24).toString('base64url')}`
      : `${name}=${randomBytes(32).toString('base64url')}`,
  );
  writeFileSync(path, filled, { mode: 0o600 });
  console.log('Created .dev.vars with fresh secrets.');
}

function readDevVar(name) {
  const line = readFileSync(join(root, '.dev.vars'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

function migrate() {
  const res = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local'], {
    cwd: root,
    env: { ...env, CI: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) {
    console.error('Applying the migrations to the local D1 failed.');
    process.exit(res.status ?? 1);
  }
}

async function waitForHealth(child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('wrangler dev stopped before it served');
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Worker did not answer on ${base} within 150 s`);
}

/** Seeds what is still missing (the Worker did it before answering, unless that failed), then counts. */
async function seed(adminKey) {
  const headers = { authorization: `Bearer ${adminKey}` };
  const res = await fetch(`${base}/api/v1/dev/seed`, { method: 'POST', headers });
  if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  const count = async (path) => {
    const list = await fetch(`${base}/api/v1/${path}?limit=500`, { headers });
    if (!list.ok) throw new Error(`listing ${path} failed: ${list.status} ${await list.text()}`);
    return (await list.json()).data.length;
  };
  return { partners: await count('partners'), links: await count('links') };
}

ensureDevVars();
migrate();
const child = spawn(
  wrangler,
  [
    'dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--test-scheduled',
    // The Worker seeds the demo data before it answers its first request (see src/index.ts).
    '--var',
    'SEED_DEMO:true',
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ],
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

try {
  await waitForHealth(child);
  const adminKey = readDevVar('ADMIN_API_KEY');
  const seeded = await seed(adminKey);
  console.log(`
Relais is running on ${base}
  demo data:     ${seeded.partners} partners and ${seeded.links} links in the local D1
  admin API key: ${adminKey}
  try a link:    ${base}/autodoc-freins
                 ${base}/barrault-stage1?sub1=clio-iv&uid=user-42
  API:           curl -H "Authorization: Bearer ${adminKey}" "${base}/api/v1/partners?limit=500"
  reference:     ${base}/docs  (OpenAPI: ${base}/api/v1/openapi.json)
  cron jobs:     curl "${base}/__scheduled?cron=*/15+*+*+*+*"   and   curl "${base}/__scheduled?cron=10+0+*+*+*"
`);
} catch (err) {
  console.error(String(err));
  child.kill('SIGTERM');
  process.exit(1);
}
