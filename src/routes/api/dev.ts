// /api/v1/dev: local-run conveniences, answered only where ENVIRONMENT is "development".
import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin } from '../../http/auth';
import { notFound } from '../../http/errors';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { demoSignInLinks } from '../../seed/console-users';
import { seedDemo } from '../../seed/seed';

export const devApi = router();

devApi.openapi(
  createRoute({
    method: 'post',
    path: '/dev/seed',
    tags: ['Local development'],
    summary: 'Seed the demo partners, links and their past activity (local runs only, idempotent)',
    security: bearer,
    responses: {
      200: jsonOk(
        z.object({
          partnersAdded: z.number(),
          linksAdded: z.number(),
          clicksAdded: z.number(),
          conversionsAdded: z.number(),
        }),
        'What was added.',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(c);
    if (c.env.ENVIRONMENT !== 'development') throw notFound('route');
    return c.json(await seedDemo(c.env), 200);
  },
);

const demoSignIn = z.object({ email: z.string(), signInUrl: z.url() });

devApi.openapi(
  createRoute({
    method: 'post',
    path: '/dev/console-links',
    tags: ['Local development'],
    summary: 'One-time console sign-in links for the demo admin and Autodoc user (local runs only)',
    description:
      'Makes the demo users when missing and answers a fresh `/console/sign-in/<token>` link for each, ' +
      'single use and valid one hour; `partner` is null while Autodoc is not seeded.',
    security: bearer,
    responses: {
      200: jsonOk(z.object({ admin: demoSignIn, partner: demoSignIn.nullable() }), 'The links.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(c);
    if (c.env.ENVIRONMENT !== 'development') throw notFound('route');
    return c.json(await demoSignInLinks(c.env, new URL(c.req.url).origin), 200);
  },
);
