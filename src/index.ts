// The Worker entry: a direct path for tracked redirects, the Hono app for everything else,
// scheduled jobs, and the Durable Object classes.
import { buildApp, errorResponse } from './app';
import { isReservedSlug } from './domain/reserved-slugs';
import { runScheduled } from './jobs/schedule';
import { redirect } from './routes/redirect';

export { ClickBuffer } from './objects/click-buffer';
export { DeliveryScheduler } from './objects/delivery-scheduler';
export { RateLimiter } from './objects/rate-limiter';

const app = buildApp();
const SLUG_PATH = /^\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/;

export default {
  async fetch(request, env, ctx) {
    // Tracked links skip the router: every microsecond before the 302 counts.
    if (request.method === 'GET' || request.method === 'HEAD') {
      const path = new URL(request.url).pathname;
      const slug = SLUG_PATH.exec(path)?.[1];
      if (slug && !isReservedSlug(slug)) {
        try {
          return await redirect(request, env, ctx, slug);
        } catch (err) {
          return errorResponse(err);
        }
      }
    }
    return app.fetch(request, env, ctx);
  },

  async scheduled(controller, env) {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
