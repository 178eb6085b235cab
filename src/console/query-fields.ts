// Reads the fields of a console form or a list's query string with a zod schema, naming each bad
// field, and cuts the page a list shows.
import type { z } from 'zod';
import { AppError } from '../http/errors';
import { encodeCursor } from '../http/pagination';
import type { Lang } from './ui/locale';
import { messages } from './ui/messages';

const m = messages(
  { badChoice: 'Choose one of the listed values.', badDate: 'Enter a date as YYYY-MM-DD.' },
  { badChoice: 'Choisissez une des valeurs proposées.', badDate: 'Saisissez une date au format AAAA-MM-JJ.' },
);

/** Rows a list page shows. */
export const PAGE_SIZE = 50;

/** The message to show beside each bad field, by field name. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * The fields as the schema reads them, or the names of the bad ones. Blank fields are left out
 * first: an empty choice of a GET form means "any", not a value to check.
 * @example readFields(z.object({ status: z.enum(['pending']).optional() }), { status: '' }) // { ok: true, data: {} }
 */
export function readFields<S extends z.ZodType>(
  schema: S,
  fields: Record<string, string | undefined>,
): { ok: true; data: z.infer<S> } | { ok: false; bad: string[] } {
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const read = schema.safeParse(given);
  if (read.success) return { ok: true, data: read.data };
  return { ok: false, bad: [...new Set(read.error.issues.map((issue) => String(issue.path[0] ?? '')))] };
}

/**
 * A list's filters as the schema reads them, or what to say beside each bad one: a date field
 * (`from`, `to`) asks for a date, any other for one of the values offered.
 * @example readFilters(listQuery, c.req.query(), ui.lang) // { ok: false, errors: { status: 'Choose one…' } }
 */
export function readFilters<S extends z.ZodType>(
  schema: S,
  fields: Record<string, string | undefined>,
  lang: Lang,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const read = readFields(schema, fields);
  if (read.ok) return read;
  const t = m[lang];
  const messageOf = (field: string) => (field === 'from' || field === 'to' ? t.badDate : t.badChoice);
  return { ok: false, errors: Object.fromEntries(read.bad.map((field) => [field, messageOf(field)])) };
}

/**
 * The fields named by a bad-input error of a service (400 with `details` naming paths), each with
 * the error's `details` message, or null for any other error (to be thrown on).
 */
export function badFieldsOf(err: unknown): { field: string; detail: string; message: string }[] | null {
  if (!(err instanceof AppError) || err.status !== 400 || !Array.isArray(err.details)) return null;
  const named = (err.details as { path?: unknown[]; message?: string }[])
    .filter((d) => Array.isArray(d.path) && d.path.length > 0)
    .map((d) => ({ field: String(d.path?.[0]), detail: d.message ?? '', message: err.message }));
  return named.length > 0 ? named : null;
}

/**
 * The rows a page shows out of the `limit + 1` a service read newest first, and the cursor of the
 * next page when the extra row says there is one.
 */
export function pageOf<T extends { id: string }>(
  rows: readonly T[],
  limit = PAGE_SIZE,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows: [...rows], nextCursor: null };
  const shown = rows.slice(0, limit);
  return { rows: shown, nextCursor: encodeCursor((shown[shown.length - 1] as T).id) };
}
