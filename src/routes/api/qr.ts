// GET /api/v1/links/:id/qr: the link's short URL as an SVG QR code, for print and posters.
import { createRoute, z } from '@hono/zod-openapi';
import { renderSVG } from 'uqr';
import { dbOf } from '../../db/client';
import { scopeOf } from '../../http/auth';
import { originOf } from '../../http/origin';
import { bearer, errorResponses, router } from '../../http/validation';
import { idParam } from '../../schemas/common';
import { visibleLink } from '../../services/links';

export const qrApi = router();

const qrQuery = z.object({
  ecc: z
    .enum(['L', 'M', 'Q', 'H'])
    .default('M')
    .openapi({ description: 'Error correction: L 7%, M 15%, Q 25%, H 30% of the code may be damaged.' }),
});

qrApi.openapi(
  createRoute({
    method: 'get',
    path: '/links/{id}/qr',
    tags: ['Links'],
    summary: "QR code of a link's short URL",
    description: 'An SVG image encoding the short URL; scans are tracked like any click on the link.',
    security: bearer,
    request: { params: idParam, query: qrQuery },
    responses: {
      200: { description: 'The QR code.', content: { 'image/svg+xml': { schema: z.string() } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const link = await visibleLink(dbOf(c.env), scopeOf(c), c.req.valid('param').id);
    // A quiet zone of four modules is what the QR specification asks for readers to find the code.
    const svg = renderSVG(`${originOf(c)}/${link.slug}`, { ecc: c.req.valid('query').ecc, border: 4 });
    return c.body(svg, 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'private, max-age=300',
    });
  },
);
