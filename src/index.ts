// The Worker entry: a direct path for tracked redirects, the Hono app for everything else,
// scheduled jobs, and the Durable Object classes.
import { buildApp, errorResponse } from './app';
import { isReservedSlug } from './domain/reserved-slugs';
import { runScheduled } from './jobs/schedule';
import { redirect, referral } from './routes/redirect';

export { ClickBuffer } from './objects/click-buffer';
export { DeliveryScheduler } from './objects/delivery-scheduler';
export { RateLimiter } from './objects/rate-limiter';

const app = buildApp();
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export default {
  fetch(request, env, ctx) {
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
  },

  async scheduled(controller, env) {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;

/** A redirect answered from memory is returned as is; one that went to D1 gets the error path too. */
function guard(response: Response | Promise<Response>): Response | Promise<Response> {
  return response instanceof Response ? response : response.catch(errorResponse);
}
