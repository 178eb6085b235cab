// Calls the Worker's management API with the admin key, to make the data a browser test needs.
import { inject } from 'vitest';

/**
 * `fetch` on the Worker with `Authorization: Bearer <admin key>`; a body is sent as JSON unless
 * `init` says otherwise.
 * @example
 * const res = await api('/api/v1/partners?limit=500');
 * const created = await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ email, role: 'admin' }) });
 */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${inject('adminKey')}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(new URL(path, inject('baseUrl')), { ...init, headers });
}
