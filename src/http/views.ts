// What a caller is shown of a resource: every field for an admin key, its partner-facing schema's for a partner key.
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './context';

/**
 * The fields of `view` that `schema` names: what a partner key is shown of an admin's view. A
 * field is shown only once the partner-facing schema lists it, so a new column stays admin-only
 * until someone decides otherwise.
 * @example publicView(partnerPublicSchema, { id: 'ptn_1', notes: 'thin margin' }) // { id: 'ptn_1' }
 */
export function publicView<S extends z.ZodRawShape, V extends object>(
  schema: z.ZodObject<S>,
  view: V,
): Pick<V, Extract<keyof S, keyof V>> {
  const out: Partial<V> = {};
  for (const key of Object.keys(schema.shape) as (keyof V & string)[]) {
    if (key in view) out[key] = view[key];
  }
  return out as Pick<V, Extract<keyof S, keyof V>>;
}

/**
 * How to show rows to the caller: `present` for an admin key; for a partner key, `toPartner`
 * (`present` unless a field needs more than leaving out) cut to `schema`.
 * @example const show = viewFor(c, partnerPublicSchema, (p) => presentPartner(p, origin));
 */
export function viewFor<R, S extends z.ZodRawShape, V extends object>(
  c: Context<AppEnv>,
  schema: z.ZodObject<S>,
  present: (row: R) => V,
  toPartner: (row: R) => V = present,
): (row: R) => V | Pick<V, Extract<keyof S, keyof V>> {
  if (c.get('principal').role === 'admin') return present;
  return (row) => publicView(schema, toPartner(row));
}
