// A fresh start for the Worker under test: empty D1 and Durable Objects, the migrations applied, and its modules anew.
//
// Test files share their vitest worker's workerd (`isolate: false` in vitest.config.ts): what a
// file leaves behind is undone here, in a few tenths of a second, instead of by a new workerd and
// a new isolate for every file.
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';

/**
 * A new isolate's view of the Worker: its modules evaluated anew on their next import
 * (in-isolate caches, counters and flags start over) and storage emptied, as `freshStorage`.
 * Packages come back from the module runner's cache: this costs a fraction of a new workerd.
 * @example beforeEach(freshWorker); // then `await import('../../src/index')`
 */
export async function freshWorker(): Promise<void> {
  await sendQueuedClicks();
  vi.resetModules();
  await emptyStorage();
}

/**
 * Empties every binding's storage (D1 too: Miniflare keeps a database in a Durable Object) and
 * applies the migrations of `migrations/`, as `wrangler d1 migrations apply` does.
 * @example beforeEach(freshStorage)
 */
export async function freshStorage(): Promise<void> {
  await sendQueuedClicks();
  await emptyStorage();
}

/**
 * Clicks still waiting in this isolate's batches are sent now, into the storage about to be
 * emptied: sent later by their timers, they would land in what runs next. The module is imported
 * here to reach the instance in use, which changes with every `freshWorker`.
 */
async function sendQueuedClicks(): Promise<void> {
  const { flushClicks } = await import('../../src/isolate/click-recorder');
  await flushClicks(env);
}

async function emptyStorage(): Promise<void> {
  // `cloudflare:test` re-exports these from the runner's own module and adds an import of the
  // Worker: taken from there, they leave the Worker unevaluated until a test file needs it (a pure
  // domain test never does), which saved 0.2-0.8 s a file. Should a plugin upgrade rename the
  // module, import `cloudflare:test` here instead (@cloudflare/vitest-plugin 1.5.0).
  const runnerModule: string = 'cloudflare:test-internal';
  const { applyD1Migrations, reset } = (await import(runnerModule)) as typeof import('cloudflare:test');
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}
