// Postbacks as a route hands them to parsePostback, and short ways to read one into its value or its issues.
import { parsePostback } from '../../src/domain/postback-input';
import type { PostbackConfig } from '../../src/domain/postback-schema';

export const CANONICAL: PostbackConfig = {
  postbackParams: {},
  statusMap: {},
  amountsInMinorUnits: false,
  defaultCurrency: 'EUR',
};

export function config(over: Partial<PostbackConfig> = {}): PostbackConfig {
  return { ...CANONICAL, ...over };
}

/** A query string as a route would hand it over: repeated names become arrays. */
export function query(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

export function value(raw: Record<string, unknown>, cfg: PostbackConfig = CANONICAL) {
  const result = parsePostback(raw, cfg);
  if (!result.ok) throw new Error(`expected a valid postback, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

export function issues(raw: Record<string, unknown>, cfg: PostbackConfig = CANONICAL) {
  const result = parsePostback(raw, cfg);
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues;
}
