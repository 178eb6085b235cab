// Shapes shared by every resource: errors, lists, pagination, money, times.
import { z } from '@hono/zod-openapi';
import { allowedDomainProblem } from '../domain/allowed-domains';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string().openapi({ example: 'The request body is not valid.' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'At most 500.', example: 50 }),
  cursor: z.string().max(200).optional().openapi({ description: '`nextCursor` of the previous page.' }),
});

/** `{data: [...], nextCursor}`: every list of the API. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

/**
 * An answer that depends on the key: every field for an admin key, the partner-facing schema's
 * for a partner key.
 * @example jsonOk(byKey(partnerSchema, partnerPublicSchema), 'The partner.')
 */
export function byKey<A extends z.ZodType, P extends z.ZodType>(admin: A, partner: P) {
  return z.union([admin, partner]).openapi({
    description: 'Admin keys get the first schema; partner keys the second, without admin-only fields.',
  });
}

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Money in major units with at most two decimals (`10.44`), kept as integer minor units inside. */
export const moneySchema = z
  .number()
  .nonnegative()
  .refine((n) => Number.isInteger(Math.round(n * 100)) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, {
    message: 'At most two decimals.',
  })
  .openapi({ example: 10.44 });

export const isoDateTime = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-25T10:00:00Z' });
export const isoDate = z.iso.date().openapi({ example: '2026-11-24' });

/** Host names of allowed domains: lower-case labels, no scheme, no path, never a public suffix. */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  // One label is let through here so that `fr` or `com` is refused below with the reason.
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]{2,63}$/, {
    error: (issue) => `"${String(issue.input)}" is not a host name such as autodoc.fr.`,
    abort: true,
  })
  .superRefine((domain, ctx) => {
    const problem = allowedDomainProblem(domain);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `"${domain}" ${problem}.` });
  });

export const slugSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Letters, digits, "-" and "_", starting with a letter or digit.')
  .openapi({ example: 'autodoc-freins' });

export const toMinor = (major: number) => Math.round(major * 100);
export const toMajor = (minor: number) => Math.round(minor) / 100;
export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
