// The Worker entry: a direct path for tracked redirects, the Hono app for everything else,
// scheduled jobs, and the Durable Object classes.
import { buildApp, errorResponse } from './app';
import { isReservedSlug } from './domain/reserved-slugs';
import { refusalOf } from './isolate/configuration';
import { runScheduled } from './jobs/schedule';
import { LATE, waitShared } from './lib/cross-request';
import { redirect, referral } from './routes/redirect';
import { seedDemo } from './seed/seed';

export { ClickBuffer } from './objects/click-buffer';
export { DeliveryScheduler } from './objects/delivery-scheduler';
export { RateLimiter } from './objects/rate-limiter';

const app = buildApp();
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export default {
  fetch(request, env, ctx) {
    // Without its secrets the Worker serves nothing, redirects included (src/domain/settings.ts).
    const refusal = refusalOf(env);
    if (refusal !== null) return errorResponse(refusal);
    // Demo data never goes into a production database, whatever SEED_DEMO says.
    if (env.SEED_DEMO === 'true' && !demoReady && env.ENVIRONMENT === 'development') {
      return afterDemoSeed(request, env, ctx);
    }
    return handle(request, env, ctx);
  },

  async scheduled(controller, env) {
    const refusal = refusalOf(env);
    if (refusal !== null) {
      console.error(`scheduled job "${controller.cron}" skipped. ${refusal.message}`);
      return;
    }
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;

function handle(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  // Tracked links skip the router: every microsecond before the 302 counts. The URL is cut
  // by hand, once: workerd hands it over normalised, so the path starts after the authority.
  if (request.method === 'GET' || request.method === 'HEAD') {
    const url = request.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const hash = url.indexOf('#', pathStart);
    const end = hash === -1 ? url.length : hash;
    const queryStart = url.indexOf('?', pathStart);
    const hasQuery = queryStart !== -1 && queryStart < end;
    const path = url.slice(pathStart + 1, hasQuery ? queryStart : end);
    const query = hasQuery ? url.slice(queryStart + 1, end) : '';
    try {
      if (SLUG.test(path)) {
        if (!isReservedSlug(path)) return guard(redirect(request, env, ctx, path, query));
      } else if (path.startsWith('r/')) {
        return guard(referral(request, env, ctx, path.slice(2), query));
      }
    } catch (err) {
      return errorResponse(err);
    }
  }
  return app.fetch(request, env, ctx);
}

// `npm start` (SEED_DEMO "true", ENVIRONMENT "development") seeds the demo data before it answers
// anything: whoever finds the port open finds the demo partners and links too. Seeding is
// idempotent; a failure is logged and lets requests through (POST /api/v1/dev/seed then tells
// what went wrong).
let demoSeeding: Promise<void> | null = null;
let demoReady = false;
const DEMO_SEED_POLL_MS = 50;

async function afterDemoSeed(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  if (demoSeeding === null) {
    demoSeeding = seedDemo(env).then(
      () => {
        demoReady = true;
      },
      (err) => {
        demoReady = true;
        console.error('demo seed failed', err);
      },
    );
    // Kept alive even if the client that started it goes away: every other request waits for it.
    ctx.waitUntil(demoSeeding);
    await demoSeeding;
  }
  // The others wait with timers of their own beside it (see lib/cross-request.ts).
  while (!demoReady && (await waitShared(demoSeeding, DEMO_SEED_POLL_MS)) === LATE) {}
  return handle(request, env, ctx);
}

/** A redirect answered from memory is returned as is; one that went to D1 gets the error path too. */
function guard(response: Response | Promise<Response>): Response | Promise<Response> {
  return response instanceof Response ? response : response.catch(errorResponse);
}
