#!/usr/bin/env node
// `npm start`: prepares secrets and the local D1, runs the Worker on 127.0.0.1, seeds the demo
// data through the API and prints how to use it. Needs no Cloudflare account and no network.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { completeDevVars, MIN_SECRET_BYTES } from './dev-vars.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8787);
const host = '127.0.0.1';
const base = `http://${host}:${port}`;
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const DEMO_TIME_ZONE = 'Europe/Paris';
// Where the local D1 and Durable Objects live: .wrangler/state by default; the browser tests point
// RELAIS_STATE_DIR at an empty folder so that they neither see nor change a developer's data.
const persistTo = process.env.RELAIS_STATE_DIR ? ['--persist-to', process.env.RELAIS_STATE_DIR] : [];
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_DISABLE_TELEMETRY: 'true',
  NO_UPDATE_NOTIFIER: '1',
  // Miniflare would fetch request.cf's values from workers.cloudflare.com: offline, it fails loudly
  // and falls back to placeholders anyway. Placeholders from the start, and no network.
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
};

/** A fresh secret for .dev.vars: 32 random bytes, an admin key 24 (41 characters with its prefix). */
function freshSecret(name) {
  return name === 'ADMIN_API_KEY'
    ? `rl_admin_${randomBytes(24).toString('base64url')}`
    : randomBytes(32).toString('base64url');
}

/**
 * Creates .dev.vars from the example with fresh secrets, or completes an existing one whose
 * required secrets are missing or too short: the Worker would refuse to serve with them.
 */
function ensureDevVars() {
  const path = join(root, '.dev.vars');
  if (!existsSync(path)) {
    const { text } = completeDevVars(readFileSync(join(root, '.dev.vars.example'), 'utf8'), freshSecret);
    writeFileSync(path, text, { mode: 0o600 });
    console.log('Created .dev.vars with fresh secrets.');
    return;
  }
  const { text, fixes } = completeDevVars(readFileSync(path, 'utf8'), freshSecret);
  if (fixes.length === 0) return;
  writeFileSync(path, text, { mode: 0o600 });
  for (const { name, problem } of fixes) {
    const what = problem === 'missing' ? 'was missing' : `was shorter than ${MIN_SECRET_BYTES} bytes`;
    console.log(`.dev.vars: ${name} ${what}; it now has a fresh random value, as the Worker requires.`);
  }
  if (fixes.some((f) => f.name !== 'ADMIN_API_KEY') && existsSync(join(root, '.wrangler'))) {
    console.log(
      "  What the local D1 keeps under the old HASH_KEY or SECRETS_KEY (API keys, postback tokens, partners'\n" +
        '  signing secrets) no longer opens: delete .wrangler/ to start afresh with the demo data.',
    );
  }
}

function readDevVar(name) {
  const line = readFileSync(join(root, '.dev.vars'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim();
}

function migrate() {
  const res = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persistTo], {
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
    let res;
    try {
      res = await fetch(`${base}/health`);
    } catch {}
    if (res?.ok) return;
    // A Worker without sound secrets answers 500 misconfigured to everything: say why and stop.
    const body = res ? await res.text() : '';
    if (body.includes('"misconfigured"')) throw new Error(JSON.parse(body).error.message);
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

/** One-time console sign-in links (valid an hour) for the demo admin and the demo Autodoc user. */
async function consoleLinks(adminKey) {
  const headers = { authorization: `Bearer ${adminKey}` };
  const res = await fetch(`${base}/api/v1/dev/console-links`, { method: 'POST', headers });
  if (!res.ok) throw new Error(`making the console sign-in links failed: ${res.status} ${await res.text()}`);
  return res.json();
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
    // The demo programme is French: its days and months are those of Paris (README, "Configuration").
    '--var',
    `REPORT_TIMEZONE:${DEMO_TIME_ZONE}`,
    '--show-interactive-dev-session=false',
    ...persistTo,
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
  const { admin, partner } = await consoleLinks(adminKey);
  const partnerLink = partner ? `\n                 ${partner.signInUrl}   (Autodoc's partner user)` : '';
  console.log(`
Relais is running on ${base}
  demo data:     ${seeded.partners} partners and ${seeded.links} links in the local D1
  time zone:     ${DEMO_TIME_ZONE} (REPORT_TIMEZONE): the days of reports and pushes
  admin API key: ${adminKey}
  try a link:    ${base}/autodoc-freins
                 ${base}/barrault-stage1?sub1=clio-iv&uid=user-42
  API:           curl -H "Authorization: Bearer ${adminKey}" "${base}/api/v1/partners?limit=500"
  reference:     ${base}/docs  (OpenAPI: ${base}/api/v1/openapi.json)
  cron jobs:     curl "${base}/__scheduled?cron=*/15+*+*+*+*"   and   curl "${base}/__scheduled?cron=10+0+*+*+*"
  console:       ${admin.signInUrl}   (an admin)${partnerLink}
                 one-time sign-in links, valid an hour: npm start again prints new ones
`);
} catch (err) {
  console.error(String(err));
  child.kill('SIGTERM');
  process.exit(1);
}
