// Reading request bodies of public endpoints without trusting their size, and turning them into parameters.
import { AppError, invalidRequest } from './errors';

/** Largest body a postback or an event may have: 256 KiB holds hundreds of order lines. */
export const MAX_BODY_BYTES = 256 * 1024;

const tooLarge = (maxBytes: number) =>
  new AppError(413, 'payload_too_large', `The body is larger than ${maxBytes / 1024} KiB.`, { maxBytes });

/**
 * The body as text, refused with 413 `payload_too_large` when `Content-Length` announces more
 * than `maxBytes` or when more actually arrives (a sender may omit or understate the header).
 */
export async function readBodyText(req: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Query or form parameters; a name given several times becomes a list of its values. */
export function paramsOf(search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of search) {
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else out[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/**
 * The parameters of a body: a JSON object (`application/json`, or any body that starts with `{`,
 * as beacons send JSON as `text/plain`) or a form (`application/x-www-form-urlencoded`).
 * Anything else is 415; a malformed body is 400.
 */
export function bodyParams(contentType: string | null, body: string): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') return paramsOf(new URLSearchParams(body));
  const isJson = type === 'application/json' || type.endsWith('+json');
  if (!isJson && type !== '' && type !== 'text/plain') {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the body as application/json or application/x-www-form-urlencoded.',
      { contentType: type },
    );
  }
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalidRequest('The body is not valid JSON.', [{ path: [], message: 'Invalid JSON', code: 'invalid_json' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The body must be a JSON object.', [
      { path: [], message: 'Expected a JSON object', code: 'invalid_type' },
    ]);
  }
  return parsed as Record<string, unknown>;
}
