// /api/v1/dev: local-run conveniences, answered only where ENVIRONMENT is "development".
import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin } from '../../http/auth';
import { notFound } from '../../http/errors';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { seedDemo } from '../../seed/seed';

export const devApi = router();

devApi.openapi(
  createRoute({
    method: 'post',
    path: '/dev/seed',
    tags: ['Local development'],
    summary: 'Seed the demo partners and links (local runs only, idempotent)',
    security: bearer,
    responses: {
      200: jsonOk(z.object({ partnersAdded: z.number(), linksAdded: z.number() }), 'What was added.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(c);
    if (c.env.ENVIRONMENT !== 'development') throw notFound('route');
    return c.json(await seedDemo(c.env), 200);
  },
);
