// A partner's affiliate network as an admin configures it: which connector, its account, its token and, for a generic one, its mapping.
import { z } from 'zod';
import { conversionStatusSchema } from '../conversion-status';
import { storedUrlSchema, urlTemplateSchema } from '../stored-url';
import { urlProblem } from '../url-policy';
import { MAX_WINDOW_DAYS } from './sync-windows';

/** Awin's own API host. */
export const AWIN_API_BASE = 'https://api.awin.com';

export const NETWORK_TYPES = ['awin', 'json'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

/** An account number of the network: Awin's are numeric, and are taken as a number or its digits. */
const accountId = z
  .union([
    z
      .string()
      .trim()
      .regex(/^\d{1,15}$/, 'must be the digits of an account number'),
    z.int().positive(),
  ])
  .transform(String);

const accessToken = z.string().trim().min(1).max(2000).describe('Write-only: stored encrypted, never answered.');

/** A path into a JSON answer: property names joined by dots (`data.sales`, `clickRefs.clickRef`). */
const jsonPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be property names joined by dots');

export const awinNetworkSchema = z
  .object({
    type: z.literal('awin'),
    publisherId: accountId.describe("The publisher account's id (Awin: Account > Overview, or the number in the URL)."),
    advertiserId: accountId
      .nullable()
      .optional()
      .describe("The advertiser's id (its programme's `awinmid`): only its transactions are read."),
    accessToken,
    apiBase: storedUrlSchema(500).nullable().optional().describe(`Default ${AWIN_API_BASE}.`),
  })
  .strict();

/** How a generic network writes the window's instants in its URL. */
export const DATE_FORMATS = ['iso', 'datetime', 'date', 'dmy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** The fields a generic network's transaction is read from: a path each; `transactionId` and `amount` at least. */
export const MAPPED_FIELDS = [
  'transactionId',
  'amount',
  'commission',
  'status',
  'clickId',
  'currency',
  'occurredAt',
  'coupon',
  'category',
] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

export const jsonNetworkSchema = z
  .object({
    type: z.literal('json'),
    accessToken,
    urlTemplate: urlTemplateSchema(2000).describe(
      'The list call: `{from}` and `{to}` (the window, written as `dateFormat` says) and `{token}` are filled in, percent-encoded.',
    ),
    dateFormat: z
      .enum(DATE_FORMATS)
      .optional()
      .describe(
        '`iso` (2026-11-01T00:00:00.000Z, the default), `datetime` (2026-11-01T00:00:00, UTC), `date` (2026-11-01), `dmy` (01/11/2026).',
      ),
    authHeader: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .nullable()
      .optional()
      .describe('The header carrying the token (`Authorization` by default); null: the token goes in the URL only.'),
    authScheme: z
      .string()
      .trim()
      .max(32)
      .optional()
      .describe('Written before the token in that header; `Bearer` by default, empty for none.'),
    listPath: z
      .union([jsonPath, z.literal('')])
      .optional()
      .describe('Where the list of transactions is in the answer; empty (the default): the answer is the list.'),
    fields: z
      .partialRecord(z.enum(MAPPED_FIELDS), jsonPath)
      .refine((f) => f.transactionId !== undefined && f.amount !== undefined, 'must map transactionId and amount'),
    statusMap: z.record(z.string().min(1).max(100), conversionStatusSchema).optional(),
    amountsInMinorUnits: z.boolean().optional(),
    maxWindowDays: z.int().min(1).max(366).optional().describe(`Days one call may cover; default ${MAX_WINDOW_DAYS}.`),
  })
  .strict();

/** The `network` of `PATCH /partners/:id`: a connector's settings with its token; null disconnects the partner. */
export const networkInputSchema = z.discriminatedUnion('type', [awinNetworkSchema, jsonNetworkSchema]);
export type NetworkInput = z.infer<typeof networkInputSchema>;
export type AwinSettings = Omit<z.infer<typeof awinNetworkSchema>, 'accessToken' | 'type'>;
export type JsonSettings = Omit<z.infer<typeof jsonNetworkSchema>, 'accessToken' | 'type'>;

/** A connector's settings as stored: everything but the type (a column) and the token (sealed apart). */
export function storedSettings(input: NetworkInput): Record<string, unknown> {
  const { type: _type, accessToken: _token, ...settings } = input;
  return settings;
}

/**
 * What is wrong with the URLs a network is called at: https to a public host, or plain http to a
 * loopback address when `local` (ENVIRONMENT=development), as for webhooks.
 * @example networkUrlIssues({ type: 'awin', publisherId: '1', accessToken: 't', apiBase: 'http://api.awin.com' }, false)
 * // [{ path: ['network', 'apiBase'], message: 'network.apiBase must use https.' }]
 */
export function networkUrlIssues(input: NetworkInput, local: boolean): { path: string[]; message: string }[] {
  const [field, url] =
    input.type === 'awin'
      ? (['apiBase', input.apiBase ?? null] as const)
      : (['urlTemplate', input.urlTemplate.replace(/\{[A-Za-z_]+\}/g, 'x')] as const);
  const problem = url === null ? null : urlProblem(url, { allowLoopbackHttp: local });
  return problem ? [{ path: ['network', field], message: `network.${field} ${problem}.` }] : [];
}

/**
 * What names the account a network's settings read, beyond the token: the cursor of a partner's
 * sync is kept while this stays the same, and starts over when it changes (another account's
 * transactions were never read).
 * @example networkAccountKey('awin', { publisherId: '45628', advertiserId: '7052' }) // '["awin","45628","7052","https://api.awin.com"]'
 */
export function networkAccountKey(type: string, settings: Record<string, unknown>): string {
  if (type === 'awin') {
    const { publisherId, advertiserId, apiBase } = settings as AwinSettings;
    return JSON.stringify([type, publisherId, advertiserId ?? null, apiBase ?? AWIN_API_BASE]);
  }
  if (type === 'json') {
    const { urlTemplate, listPath } = settings as JsonSettings;
    return JSON.stringify([type, urlTemplate, listPath ?? '']);
  }
  return JSON.stringify([type, settings]);
}
