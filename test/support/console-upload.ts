// Sends a console form with a file, as a browser sends a form with enctype="multipart/form-data".
import { exports } from 'cloudflare:workers';
import type { Signed } from './console';
import { ORIGIN } from './http';

/**
 * POSTs `fields` and `files` as multipart/form-data, with the session's form token, from the
 * console's own origin; redirects are not followed.
 * @example await upload(admin, '/console/reconciliation', { partner: id }, { report: { name: 'march.csv', text: csv } })
 */
export function upload(
  who: Signed,
  path: string,
  fields: Record<string, string>,
  files: Record<string, { name: string; text: string; type?: string }> = {},
  opts: { lang?: string } = {},
): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', who.csrf);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  for (const [name, file] of Object.entries(files)) {
    form.set(name, new File([file.text], file.name, { type: file.type ?? 'text/csv' }));
  }
  const headers = { cookie: who.cookie, origin: ORIGIN, 'accept-language': opts.lang ?? 'en' };
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method: 'POST', headers, body: form, redirect: 'manual' }),
  );
}
