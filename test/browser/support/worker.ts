// Vitest global setup of the browser tests, in Node: runs the Worker as `npm start` does, on a free port and an empty state folder, then stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Worker's origin, `http://127.0.0.1:<port>`. */
    baseUrl: string;
    /** The admin API key of `.dev.vars`, which `npm start` creates when it is missing. */
    adminKey: string;
  }
}

const ROOT = path.join(import.meta.dirname, '..', '..', '..');
const HOST = '127.0.0.1';
/** `npm start` itself waits up to 150 s for `wrangler dev`; a cold start on a busy machine takes 10-20 s. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;
/** What is kept of the Worker's output, shown when it fails to start. */
const OUTPUT_TAIL_CHARS = 20_000;

/** A port nobody listens on now: the system picks it, and it is handed to `npm start` as `PORT`. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port was found');
  return address.port;
}

/** Whether any process of the group led by `pid` is still alive (signal 0 only checks). */
function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops `npm start` and everything it started (wrangler, esbuild, workerd): they share its process
 * group, so that no workerd is left behind even when wrangler exits before its children.
 */
async function stopGroup(pid: number): Promise<void> {
  if (!isGroupAlive(pid)) return;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isGroupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isGroupAlive(pid)) process.kill(-pid, 'SIGKILL');
}

async function waitUntilAnswering(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error('npm start stopped before the Worker served');
    }
    const res = await fetch(`${baseUrl}/health`).catch(() => null);
    if (res?.ok) return;
    await res?.body?.cancel();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Worker did not answer on ${baseUrl} within ${START_TIMEOUT_MS / 1000} s`);
}

function readAdminKey(): string {
  const line = readFileSync(path.join(ROOT, '.dev.vars'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ADMIN_API_KEY='));
  const key = line?.slice('ADMIN_API_KEY='.length).trim();
  if (!key) throw new Error('.dev.vars has no ADMIN_API_KEY');
  return key;
}

export default async function setup(project: TestProject) {
  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  const stateDir = await mkdtemp(path.join(tmpdir(), 'relais-browser-'));
  // scripts/dev.mjs is `npm start`: the same secrets, migrations, flags and demo data. Its own
  // process group (detached) lets the teardown signal the whole tree at once.
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'dev.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), RELAIS_STATE_DIR: stateDir },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('npm start could not be spawned');
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Should Vitest stop without its teardown (Ctrl-C), the detached group would outlive it: kill it
  // on the way out, where only synchronous work runs.
  const killOnExit = () => {
    if (isGroupAlive(pid)) process.kill(-pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const teardown = async () => {
    await stopGroup(pid);
    process.removeListener('exit', killOnExit);
    await rm(stateDir, { recursive: true, force: true });
  };

  try {
    await waitUntilAnswering(baseUrl, child);
    project.provide('baseUrl', baseUrl);
    project.provide('adminKey', readAdminKey());
  } catch (err) {
    await teardown();
    throw new Error(`${(err as Error).message}\n--- npm start printed:\n${output}`);
  }
  return teardown;
}
