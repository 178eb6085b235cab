// Link-health check resource.
import { z } from '@hono/zod-openapi';

export const linkCheckSchema = z
  .object({
    linkId: z.string(),
    partnerId: z.string(),
    date: z.string(),
    status: z.enum(['ok', 'broken', 'drops_click_id', 'checking']).openapi({
      description:
        '`broken`: no 2xx landing page within 5 redirects; `drops_click_id`: the landing URL lost the click id.',
    }),
    statusCode: z.number().int().nullable(),
    finalUrl: z.string().nullable(),
    hops: z.number().int(),
    error: z.string().nullable(),
    checkedAt: z.string(),
  })
  .openapi('LinkCheck');

export const linkHealthQuery = z.object({
  partnerId: z.string().optional(),
  linkId: z.string().optional(),
  status: z.enum(['ok', 'broken', 'drops_click_id', 'checking']).optional(),
  date: z.iso.date().optional(),
});
