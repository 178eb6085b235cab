// Link-health check resource.
import { z } from '@hono/zod-openapi';
import { LINK_CHECK_STATUSES } from '../domain/link-health';

export const linkCheckSchema = z
  .object({
    linkId: z.string(),
    partnerId: z.string(),
    date: z.string(),
    status: z.enum(LINK_CHECK_STATUSES).openapi({
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
  status: z.enum(LINK_CHECK_STATUSES).optional(),
  date: z.iso.date().optional(),
});
