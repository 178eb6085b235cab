// API key resource.
import { z } from '@hono/zod-openapi';
import { KEY_ROLES } from '../domain/key-role';

export const keyCreateSchema = z
  .object({
    role: z.enum(KEY_ROLES),
    partnerId: z.string().optional().openapi({ description: 'Required for a partner key.' }),
    name: z.string().max(100).optional(),
  })
  .strict()
  .refine((k) => (k.role === 'partner') === Boolean(k.partnerId), {
    message: 'A partner key needs partnerId; an admin key takes none.',
    path: ['partnerId'],
  })
  .openapi('KeyCreate');

export const keySchema = z
  .object({
    id: z.string(),
    role: z.enum(KEY_ROLES),
    partnerId: z.string().nullable(),
    name: z.string().nullable(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it.' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Key');

export const keyWithSecretSchema = keySchema
  .extend({ key: z.string().openapi({ description: 'Shown once; only its hash is kept.' }) })
  .openapi('KeyWithSecret');
