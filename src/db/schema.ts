// Drizzle tables: the one description of Relais' relational data (D1).
// Times are integer milliseconds since the epoch (UTC); money is integer minor units.
import { type AnyColumn, sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ATTRIBUTION_METHODS } from '../domain/attribution';
import { CLICK_SOURCES } from '../domain/click-source';
import { CONSOLE_ROLES, CONSOLE_TOKEN_KINDS } from '../domain/console-user';
import { CONVERSION_EVENTS } from '../domain/conversion-event';
import { CONVERSION_STATUSES, STATUS_CHANGE_SOURCES } from '../domain/conversion-status';
import { DELIVERY_STATUSES } from '../domain/delivery-status';
import { EXCHANGE_RATE_SOURCES } from '../domain/exchange';
import { EVENT_TYPES } from '../domain/funnel-event';
import { KEY_ROLES } from '../domain/key-role';
import { INTEGRATIONS, PARTNER_STATUSES } from '../domain/partnership';
import { STATEMENT_LINE_KINDS, STATEMENT_STATUSES } from '../domain/statements';

/** SQL for the current time in epoch milliseconds, as the tables' defaults compute it. */
export const NOW_MS_SQL = "cast(unixepoch('subsec') * 1000 as integer)";

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const updatedAt = () =>
  integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

/** An order line as stored, amounts in the conversion's currency. */
export type ConversionItemRow = {
  category?: string;
  amountMinor: number;
  /** The total refunded so far on this line. */
  refundedAmountMinor?: number;
  sku?: string;
  quantity?: number;
};

/** Commission rule as stored; the zod schema in src/schemas/partner.ts validates it. */
export type CommissionRuleRow = {
  category?: string;
  event?: string;
  percent?: number;
  fixed?: number;
  currency?: string;
};

/** Targeting and A/B rules of a link; validated by src/schemas/link.ts. */
export type LinkRulesRow = {
  targets?: {
    id?: string;
    countries?: string[];
    devices?: string[];
    os?: string[];
    languages?: string[];
    destination: string;
  }[];
  variants?: { id?: string; destination: string; weight: number }[];
};

export const partners = sqliteTable(
  'partners',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: PARTNER_STATUSES }).notNull(),
    integration: text('integration', { enum: INTEGRATIONS }).notNull(),
    category: text('category').notNull(),
    websiteUrl: text('website_url'),
    allowedDomains: json<string[]>('allowed_domains').notNull(),
    /**
     * The rules of the last change that took effect when it was made: a plan scheduled for a later
     * date takes over without touching this row, so the rules in force are read from
     * `commission_plans` (src/services/partners.ts), this column being their fallback only.
     */
    commissionRules: json<CommissionRuleRow[]>('commission_rules').notNull(),
    cookieDays: integer('cookie_days').notNull().default(30),
    attributionWindowDays: integer('attribution_window_days').notNull().default(30),
    lockDays: integer('lock_days').notNull().default(30),
    /** The reporting currency: every figure of the partner (reports, pushes, statements) is in it. */
    currency: text('currency').notNull().default('EUR'),
    clickIdParam: text('click_id_param').notNull().default('click_id'),
    /** Fixed affiliate parameters added to every destination (e.g. `{"aff_id": "aau"}`). */
    affiliateParams: json<Record<string, string>>('affiliate_params').notNull(),
    trackingTemplate: text('tracking_template'),
    /** Canonical postback name -> the partner's own name. */
    postbackParams: json<Record<string, string>>('postback_params').notNull(),
    /** The partner's raw status values -> ours. */
    statusMap: json<Record<string, string>>('status_map').notNull(),
    /** Where amounts arrive in minor units (cents) instead of major units. */
    amountsInMinorUnits: integer('amounts_in_minor_units', { mode: 'boolean' }).notNull().default(false),
    answerTemplate: text('answer_template'),
    /** Column names of the partner's own conversion report (CSV), canonical -> theirs. */
    reportColumns: json<Record<string, string>>('report_columns').notNull(),
    acceptSignedPostbacks: integer('accept_signed_postbacks', { mode: 'boolean' }).notNull().default(true),
    acceptTokenPostbacks: integer('accept_token_postbacks', { mode: 'boolean' }).notNull().default(true),
    ipAllowlist: json<string[]>('ip_allowlist').notNull(),
    postbackTokenHash: text('postback_token_hash').notNull(),
    /** AES-GCM ciphertext of the `whsec_` secret (the secret is needed to verify, so it is not hashed). */
    signingSecretEnc: text('signing_secret_enc').notNull(),
    /** The secret replaced by the last rotation, accepted until `previousSecretExpiresAt`. */
    previousSecretEnc: text('previous_secret_enc'),
    previousSecretExpiresAt: integer('previous_secret_expires_at', { mode: 'timestamp_ms' }),
    /**
     * AES-GCM ciphertext of the `whsec_` secret that signs the daily pushes: a secret of its own,
     * since whoever verifies the pushes must not be able to sign postbacks. Null for partners made
     * before it existed, until their first push or rotation (src/services/push-secrets.ts).
     */
    pushSecretEnc: text('push_secret_enc'),
    /** The push secret replaced by the last rotation, signing too until `previousPushSecretExpiresAt`. */
    previousPushSecretEnc: text('previous_push_secret_enc'),
    previousPushSecretExpiresAt: integer('previous_push_secret_expires_at', { mode: 'timestamp_ms' }),
    webhookUrl: text('webhook_url'),
    /** Whether a delivered day is pushed again once its figures were rebuilt (see src/jobs/daily.ts). */
    pushCorrections: integer('push_corrections', { mode: 'boolean' }).notNull().default(false),
    notes: text('notes'),
    /** The partner's legal identity, printed on its statements. */
    legalName: text('legal_name'),
    address: text('address'),
    vatNumber: text('vat_number'),
    /** Days between a statement and its due date. */
    paymentTermsDays: integer('payment_terms_days').notNull().default(30),
    /** VAT charged on its statements, in basis points (2000 = 20%); null for the programme's rate. */
    vatRateBp: integer('vat_rate_bp'),
    /** Whether every link of the partner tracks a visitor only on `consent=1` (see src/domain/identity.ts). */
    requiresConsent: integer('requires_consent', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('partners_slug_uq').on(t.slug), index('partners_status_idx').on(t.status)],
);

/**
 * A partner whose conversions are known only to an affiliate network (Awin...): how Relais reads
 * them there, and how the last sync went. One row per partner; the sync's cursor is in `job_state`.
 */
export const partnerNetworks = sqliteTable('partner_networks', {
  partnerId: text('partner_id')
    .primaryKey()
    .references(() => partners.id),
  /** The connector: `awin`, or `json` (a network read through a mapping). */
  type: text('type').notNull(),
  /** The connector's settings, its secret aside (src/domain/networks/settings.ts). */
  settings: json<Record<string, unknown>>('settings').notNull(),
  /** AES-GCM ciphertext of the network's API token (`SECRETS_KEY`): needed in clear to call, so not hashed. */
  accessTokenEnc: text('access_token_enc').notNull(),
  lastSyncAt: integer('last_sync_at', { mode: 'timestamp_ms' }),
  lastSyncOk: integer('last_sync_ok', { mode: 'boolean' }),
  lastSyncError: text('last_sync_error'),
  /** Syncs failed in a row, and when the first of them ran (null while they succeed). */
  failures: integer('failures').notNull().default(0),
  failingSince: integer('failing_since', { mode: 'timestamp_ms' }),
  /** The network asked to wait (429 and `Retry-After`) until then: the hourly sync skips the partner. */
  retryAfter: integer('retry_after', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Versions of a partner's commission rules: a rate change never rewrites past commissions. */
export const commissionPlans = sqliteTable(
  'commission_plans',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    effectiveFrom: integer('effective_from', { mode: 'timestamp_ms' }).notNull(),
    rules: json<CommissionRuleRow[]>('rules').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('commission_plans_partner_idx').on(t.partnerId, t.effectiveFrom)],
);

export const links = sqliteTable(
  'links',
  {
    id: text('id').primaryKey(),
    /** Case-sensitive: SQLite compares text as binary by default. */
    slug: text('slug').notNull(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    destination: text('destination').notNull(),
    title: text('title'),
    utm: json<Record<string, string>>('utm').notNull(),
    params: json<Record<string, string>>('params').notNull(),
    fallbackUrl: text('fallback_url'),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    rules: json<LinkRulesRow>('rules').notNull(),
    placement: text('placement'),
    forwardQuery: integer('forward_query', { mode: 'boolean' }).notNull().default(true),
    isDisabled: integer('is_disabled', { mode: 'boolean' }).notNull().default(false),
    /** Whether the link tracks a visitor only on `consent=1`; its partner's setting applies too. */
    requiresConsent: integer('requires_consent', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('links_slug_uq').on(t.slug), index('links_partner_idx').on(t.partnerId, t.id)],
);

export const clicks = sqliteTable(
  'clicks',
  {
    id: text('id').primaryKey(),
    linkId: text('link_id').notNull(),
    partnerId: text('partner_id').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** The `rl_vid` cookie value; null when the visitor refused tracking (no cookie set or read). */
    visitorId: text('visitor_id'),
    isBot: integer('is_bot', { mode: 'boolean' }).notNull(),
    botReason: text('bot_reason'),
    isUnique: integer('is_unique', { mode: 'boolean' }).notNull(),
    device: text('device'),
    os: text('os'),
    browser: text('browser'),
    country: text('country'),
    language: text('language'),
    referrerHost: text('referrer_host'),
    userAgent: text('user_agent'),
    sub1: text('sub1'),
    sub2: text('sub2'),
    sub3: text('sub3'),
    sub4: text('sub4'),
    sub5: text('sub5'),
    utmSource: text('utm_source'),
    utmMedium: text('utm_medium'),
    utmCampaign: text('utm_campaign'),
    placement: text('placement'),
    /** Which destination was served: `default`, a targeting rule id or an A/B variant id. */
    variant: text('variant').notNull().default('default'),
    destination: text('destination').notNull(),
    deepLinkRefused: integer('deep_link_refused', { mode: 'boolean' }).notNull().default(false),
    /** Keyed hash of the app user's id (`uid`), for cross-device attribution. */
    uidHash: text('uid_hash'),
    /** Keyed hash of IP, user agent and language with a daily salt; null when the visitor opted out. */
    fingerprint: text('fingerprint'),
    referralCode: text('referral_code'),
    source: text('source', { enum: CLICK_SOURCES }).notNull().default('link'),
    /** When the buffer wrote the row to D1 (recording latency is `recordedAt - createdAt`). */
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`),
  },
  // Every index costs each of the many click writes. The id (a ULID of the click time) already
  // orders clicks by time, and keys that start with a link, partner or visitor then the time
  // mostly append at the end of their index. A key that starts with a hash lands anywhere, which
  // on a large table costs several times more per write: the fingerprint, looked up only among a
  // partner's clicks of the last 24 hours, rides at the end of the partner index, where those
  // lookups test it without reading the rows. Clicks without an app user stay out of its index.
  (t) => [
    index('clicks_link_created_idx').on(t.linkId, t.createdAt),
    index('clicks_partner_created_fingerprint_idx').on(t.partnerId, t.createdAt, t.fingerprint),
    index('clicks_visitor_idx').on(t.visitorId, t.createdAt),
    index('clicks_uid_idx').on(t.uidHash, t.createdAt).where(sql`${t.uidHash} IS NOT NULL`),
  ],
);

/**
 * Whether a conversion has something to go on a statement: approved and converted but never
 * stated, or stated and changed since (refunded, reversed). The statement run's query and the
 * partial index that serves it share this one expression, which SQLite needs word for word.
 */
export const awaitingStatement = (c: {
  status: AnyColumn;
  reportingCommissionMinor: AnyColumn;
  statedCommissionMinor: AnyColumn;
}) =>
  sql`((${c.statedCommissionMinor} IS NULL AND ${c.status} = 'approved' AND ${c.reportingCommissionMinor} IS NOT NULL)
    OR (${c.statedCommissionMinor} IS NOT NULL
      AND (${c.status} NOT IN ('approved', 'reversed') OR ${c.reportingCommissionMinor} IS NOT ${c.statedCommissionMinor})))`;

export const conversions = sqliteTable(
  'conversions',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    transactionId: text('transaction_id').notNull(),
    event: text('event', { enum: CONVERSION_EVENTS }).notNull(),
    status: text('status', { enum: CONVERSION_STATUSES }).notNull(),
    rawStatus: text('raw_status'),
    amountMinor: integer('amount_minor').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    commissionMinor: integer('commission_minor').notNull().default(0),
    /** The rule (and plan) the commission was computed with, kept as it was then. */
    commissionDetail: json<unknown>('commission_detail'),
    category: text('category'),
    items: json<ConversionItemRow[]>('items'),
    coupon: text('coupon'),
    referralCode: text('referral_code'),
    customerHash: text('customer_hash'),
    attributionMethod: text('attribution_method', { enum: ATTRIBUTION_METHODS }).notNull(),
    clickId: text('click_id'),
    /** The click id the partner sent, kept even when no such click is known yet (clicks are written asynchronously). */
    reportedClickId: text('reported_click_id'),
    linkId: text('link_id'),
    attributionConfidence: real('attribution_confidence'),
    clickToConversionMs: integer('click_to_conversion_ms'),
    /** Inputs kept for late attribution by the reconciliation job (hashed, never raw). */
    visitorId: text('visitor_id'),
    /** Fingerprints salted with the conversion's UTC day and the day before (a matching click is at most 24 h older). */
    fingerprint: text('fingerprint'),
    previousDayFingerprint: text('previous_day_fingerprint'),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    /** The total refunded so far, in `currency` (the whole amount once reversed). */
    refundedAmountMinor: integer('refunded_amount_minor').notNull().default(0),
    /** What the conversion earned before any refund, rejection or reversal, in `currency`. */
    earnedCommissionMinor: integer('earned_commission_minor').notNull().default(0),
    reversalReason: text('reversal_reason'),
    approvedAt: integer('approved_at', { mode: 'timestamp_ms' }),
    /** The partner's reporting currency when the conversion was recorded. */
    reportingCurrency: text('reporting_currency').notNull().default('EUR'),
    /**
     * Units of `reportingCurrency` per unit of `currency` (a decimal text, exact), from the rates of
     * the day the conversion occurred; '1' in the same currency; null while that day's rate is
     * missing, when every `reporting*` figure is null too.
     */
    exchangeRate: text('exchange_rate'),
    reportingAmountMinor: integer('reporting_amount_minor'),
    reportingRefundedMinor: integer('reporting_refunded_minor'),
    reportingCommissionMinor: integer('reporting_commission_minor'),
    reportingEarnedMinor: integer('reporting_earned_minor'),
    /** The reporting commission already put on statements (null: never stated). */
    statedCommissionMinor: integer('stated_commission_minor'),
    /** The last statement the conversion appeared on. */
    statementId: text('statement_id'),
    /**
     * For a conversion read from an affiliate network: the network's own id of the transaction
     * (Awin's `id`), as `transactionId` may be the advertiser's order reference, which two of the
     * network's transactions can share.
     */
    networkRef: text('network_ref'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversions_txn_uq').on(t.partnerId, t.transactionId, t.event),
    index('conversions_partner_created_idx').on(t.partnerId, t.createdAt),
    // Daily aggregates and partner reports select a partner's conversions by the day they occurred.
    index('conversions_partner_occurred_idx').on(t.partnerId, t.occurredAt),
    index('conversions_created_idx').on(t.createdAt),
    index('conversions_status_idx').on(t.status, t.createdAt),
    index('conversions_click_idx').on(t.clickId),
    index('conversions_method_idx').on(t.attributionMethod, t.createdAt),
    // The reconciliation walks conversions in the order they last changed, to rebuild their days.
    index('conversions_updated_idx').on(t.updatedAt, t.id),
    // Conversions a statement has something to say about, found by the month's statement run
    // without reading the partner's whole history: only they are in this index.
    index('conversions_to_state_idx').on(t.partnerId, t.occurredAt).where(awaitingStatement(t)),
    // Conversions still waiting for an exchange rate, found by the reconciliation.
    index('conversions_unconverted_idx').on(t.occurredAt).where(sql`${t.exchangeRate} IS NULL`),
    // A person's conversions, found by an erasure or an export (src/services/privacy.ts); most
    // conversions carry neither, and stay out of these indexes.
    index('conversions_customer_idx').on(t.customerHash).where(sql`${t.customerHash} IS NOT NULL`),
    index('conversions_visitor_idx').on(t.visitorId).where(sql`${t.visitorId} IS NOT NULL`),
  ],
);

/** Every status or amount change of a conversion, for audit. */
export const conversionHistory = sqliteTable(
  'conversion_history',
  {
    id: text('id').primaryKey(),
    conversionId: text('conversion_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    amountMinor: integer('amount_minor'),
    /** The commission before and after the change. */
    commissionBeforeMinor: integer('commission_before_minor'),
    commissionMinor: integer('commission_minor'),
    /** The total refunded once the change was made. */
    refundedAmountMinor: integer('refunded_amount_minor'),
    reason: text('reason'),
    source: text('source', { enum: STATUS_CHANGE_SOURCES }).notNull(),
    /**
     * Who made a change by hand: a console user's id (`usr_…`), an API key's id, or `admin-key`
     * for the deployment's own ADMIN_API_KEY. Null for postbacks and scheduled jobs.
     */
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [index('conversion_history_conv_idx').on(t.conversionId, t.createdAt)],
);

/** Multipoint funnel events (GET/POST /e). */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    type: text('type', { enum: EVENT_TYPES }).notNull(),
    clickId: text('click_id'),
    visitorId: text('visitor_id'),
    partnerId: text('partner_id'),
    linkId: text('link_id'),
    value: json<Record<string, string>>('value'),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_click_idx').on(t.clickId, t.createdAt),
    index('events_partner_idx').on(t.partnerId, t.createdAt),
    // A visitor's events, found by an erasure or an export (src/services/privacy.ts).
    index('events_visitor_idx').on(t.visitorId).where(sql`${t.visitorId} IS NOT NULL`),
  ],
);

export const coupons = sqliteTable(
  'coupons',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    /** Stored upper-cased: coupon codes are typed by people. */
    code: text('code').notNull(),
    linkId: text('link_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('coupons_code_uq').on(t.partnerId, t.code)],
);

export const referralCodes = sqliteTable(
  'referral_codes',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id')
      .notNull()
      .references(() => partners.id),
    code: text('code').notNull(),
    userRef: text('user_ref').notNull(),
    linkId: text('link_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('referral_codes_code_uq').on(t.code),
    uniqueIndex('referral_codes_user_uq').on(t.partnerId, t.userRef),
  ],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** Keyed SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull(),
    /** The first characters, to recognise a key in a list. */
    prefix: text('prefix').notNull(),
    role: text('role', { enum: KEY_ROLES }).notNull(),
    partnerId: text('partner_id').references(() => partners.id),
    name: text('name'),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  // By partner: deleting or ending a partner revokes its keys.
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_partner_idx').on(t.partnerId)],
);

/** People who sign in to the console (separate from API keys); `id` is `usr_<ulid>`. */
export const consoleUsers = sqliteTable(
  'console_users',
  {
    id: text('id').primaryKey(),
    /** Trimmed and lower-cased (`normalizeEmail`): the unique index then ignores case. */
    email: text('email').notNull(),
    role: text('role', { enum: CONSOLE_ROLES }).notNull(),
    /** The partner a partner user sees; null for an admin. */
    partnerId: text('partner_id').references(() => partners.id),
    /** `pbkdf2-sha256$...` (src/domain/password.ts); null until the invitation is accepted. */
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    lastSignInAt: integer('last_sign_in_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('console_users_email_uq').on(t.email)],
);

/** Single-use links sent to console users (invitations, sign-in links), found by the keyed hash of their token. */
export const consoleTokens = sqliteTable(
  'console_tokens',
  {
    /** Keyed hash of the token (src/domain/hashing.ts): the token itself is only in the link. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => consoleUsers.id),
    kind: text('kind', { enum: CONSOLE_TOKEN_KINDS }).notNull(),
    createdAt: createdAt(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  // By user: removing a person or inviting them again ends their links.
  (t) => [index('console_tokens_user_idx').on(t.userId)],
);

/** Console sessions, kept on the server so that each can be ended; the cookie holds a token whose keyed hash is the key. */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    /** Keyed hash of the session token: a copy of this table signs nobody in. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => consoleUsers.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // By user: removing a person signs them out everywhere.
  (t) => [index('console_sessions_user_idx').on(t.userId)],
);

/** Every postback received, accepted or not, with secrets and raw IPs redacted. */
export const postbackLog = sqliteTable(
  'postback_log',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id'),
    partnerSlug: text('partner_slug').notNull(),
    method: text('method').notNull(),
    /** One of POSTBACK_OUTCOMES (src/domain/postback-outcome.ts). */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status').notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    webhookId: text('webhook_id'),
    /** The request's parameters (token and signature removed), as received. */
    request: json<Record<string, unknown>>('request'),
    contentType: text('content_type'),
    /** The request body as received, kept so that an admin can replay it. */
    body: text('body'),
    parsed: json<unknown>('parsed'),
    conversionId: text('conversion_id'),
    ipHash: text('ip_hash'),
    /** Whether the request passed authentication: only those may be replayed. */
    isAuthenticated: integer('is_authenticated', { mode: 'boolean' }).notNull().default(false),
    /** The log entry this one replayed, for replays by an admin. */
    replayOf: text('replay_of'),
    createdAt: createdAt(),
  },
  (t) => [
    index('postback_log_partner_idx').on(t.partnerId, t.createdAt),
    index('postback_log_created_idx').on(t.createdAt),
  ],
);

/**
 * Failed postback attempts (refused before the sender proved who it is), counted: one row per
 * partner, client address, error code and minute (src/domain/postback-failure.ts), so that a flood
 * of forged postbacks adds to a count instead of writing a row each.
 */
export const postbackFailures = sqliteTable(
  'postback_failures',
  {
    /** `pbf_<minute>_<keyed hash of partner, address and code>`: the same for every attempt it counts. */
    id: text('id').primaryKey(),
    /** The first millisecond of the minute counted. */
    minute: integer('minute', { mode: 'timestamp_ms' }).notNull(),
    /** Null for slugs that name no partner, all counted together. */
    partnerId: text('partner_id'),
    /** The slug asked: for unknown slugs, the latest one. */
    partnerSlug: text('partner_slug').notNull(),
    ipHash: text('ip_hash'),
    errorCode: text('error_code').notNull(),
    httpStatus: integer('http_status').notNull(),
    count: integer('count').notNull().default(1),
    lastAt: integer('last_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('postback_failures_partner_idx').on(t.partnerId, t.id)],
);

/**
 * Requests for slugs that name no link, counted per day (of `REPORT_TIMEZONE`), path and bot or
 * not: no row per request and nothing about the requester, only how often a path was asked.
 */
export const orphanVisits = sqliteTable(
  'orphan_visits',
  {
    date: text('date').notNull(),
    /** `/<slug>` as asked (slugs are case-sensitive), or `(other)` for a day's paths past the cap. */
    path: text('path').notNull(),
    hits: integer('hits').notNull().default(0),
    botHits: integer('bot_hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.date, t.path] })],
);

/** Answers already given per `webhook-id`: a replayed delivery gets the same answer and changes nothing. */
export const webhookReceipts = sqliteTable(
  'webhook_receipts',
  {
    partnerId: text('partner_id').notNull(),
    webhookId: text('webhook_id').notNull(),
    answer: json<unknown>('answer').notNull(),
    createdAt: createdAt(),
  },
  // By time: the housekeeping job deletes the oldest in bounded batches (src/jobs/housekeeping.ts).
  (t) => [primaryKey({ columns: [t.partnerId, t.webhookId] }), index('webhook_receipts_created_idx').on(t.createdAt)],
);

/** Daily figures per day (of `REPORT_TIMEZONE`), partner and link (link `*` is the partner's total). */
export const dailyAggregates = sqliteTable(
  'daily_aggregates',
  {
    date: text('date').notNull(),
    partnerId: text('partner_id').notNull(),
    linkId: text('link_id').notNull(),
    clicks: integer('clicks').notNull().default(0),
    uniqueClicks: integer('unique_clicks').notNull().default(0),
    botClicks: integer('bot_clicks').notNull().default(0),
    conversions: integer('conversions').notNull().default(0),
    leads: integer('leads').notNull().default(0),
    addToCarts: integer('add_to_carts').notNull().default(0),
    sales: integer('sales').notNull().default(0),
    /** What remains of the amounts after refunds, in the partner's reporting currency. */
    revenueMinor: integer('revenue_minor').notNull().default(0),
    /** What remains of the commissions after refunds. */
    commissionMinor: integer('commission_minor').notNull().default(0),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    /** Commission taken back by refunds and reversals. */
    commissionReversedMinor: integer('commission_reversed_minor').notNull().default(0),
    /** Counted conversions still waiting for an exchange rate, left out of the money figures. */
    unconvertedConversions: integer('unconverted_conversions').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    medianTimeToConversionMs: integer('median_time_to_conversion_ms'),
    computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.date, t.partnerId, t.linkId] }),
    index('daily_aggregates_partner_idx').on(t.partnerId, t.date),
    // A partner's total (link `*`) or links over a range of days, with every figure the
    // dashboards add up in the index itself: the console's overview reads 90 days of 20 partners
    // without a lookup in the table per row, and without passing over the links' rows to reach
    // the totals.
    index('daily_aggregates_partner_link_idx').on(
      t.partnerId,
      t.linkId,
      t.date,
      t.currency,
      t.clicks,
      t.uniqueClicks,
      t.botClicks,
      t.conversions,
      t.revenueMinor,
      t.commissionMinor,
    ),
  ],
);

/** Daily figures broken down by one dimension (source, device, country, placement, sub1..sub5). */
export const dailyBreakdowns = sqliteTable(
  'daily_breakdowns',
  {
    date: text('date').notNull(),
    partnerId: text('partner_id').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    clicks: integer('clicks').notNull().default(0),
    uniqueClicks: integer('unique_clicks').notNull().default(0),
    botClicks: integer('bot_clicks').notNull().default(0),
    conversions: integer('conversions').notNull().default(0),
    revenueMinor: integer('revenue_minor').notNull().default(0),
    commissionMinor: integer('commission_minor').notNull().default(0),
    computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.date, t.partnerId, t.dimension, t.value] }),
    // A partner's breakdown over a range of days, without reading other partners' days, its
    // figures in the index itself (no lookup in the table per row read).
    index('daily_breakdowns_partner_idx').on(
      t.partnerId,
      t.dimension,
      t.date,
      t.value,
      t.clicks,
      t.uniqueClicks,
      t.botClicks,
      t.conversions,
      t.revenueMinor,
      t.commissionMinor,
    ),
  ],
);

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id').notNull(),
    date: text('date').notNull(),
    /** Stable across the retries of one delivery; a day sent again on purpose gets a new one (`dailyWebhookId`). */
    webhookId: text('webhook_id').notNull(),
    url: text('url').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('deliveries_partner_date_uq').on(t.partnerId, t.date),
    index('deliveries_status_idx').on(t.status),
  ],
);

export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('delivery_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/** Things the reconciliation job found worth a look; nothing is deleted. */
export const anomalies = sqliteTable(
  'anomalies',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id').notNull(),
    conversionId: text('conversion_id'),
    clickId: text('click_id'),
    kind: text('kind').notNull(),
    /** What the anomaly is about (a conversion or click id): one anomaly of a kind per subject. */
    subjectId: text('subject_id').notNull(),
    details: json<unknown>('details'),
    createdAt: createdAt(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('anomalies_subject_uq').on(t.kind, t.subjectId),
    index('anomalies_partner_idx').on(t.partnerId, t.createdAt),
  ],
);

/** A partner's own conversion report, uploaded to compare with ours. */
export const partnerReports = sqliteTable(
  'partner_reports',
  {
    id: text('id').primaryKey(),
    partnerId: text('partner_id').notNull(),
    rows: integer('rows').notNull(),
    summary: json<unknown>('summary').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('partner_reports_partner_idx').on(t.partnerId, t.createdAt)],
);

export const reportDiscrepancies = sqliteTable(
  'report_discrepancies',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id').notNull(),
    partnerId: text('partner_id').notNull(),
    /** One of DISCREPANCY_KINDS (src/domain/report-diff.ts). */
    kind: text('kind').notNull(),
    transactionId: text('transaction_id').notNull(),
    ours: json<unknown>('ours'),
    theirs: json<unknown>('theirs'),
    createdAt: createdAt(),
  },
  (t) => [index('report_discrepancies_report_idx').on(t.reportId)],
);

/** Result of the daily link-health check (one check per link per day). */
export const linkChecks = sqliteTable(
  'link_checks',
  {
    linkId: text('link_id').notNull(),
    date: text('date').notNull(),
    partnerId: text('partner_id').notNull(),
    /** One of LINK_CHECK_STATUSES (src/domain/link-health.ts). */
    status: text('status').notNull(),
    statusCode: integer('status_code'),
    finalUrl: text('final_url'),
    hops: integer('hops').notNull().default(0),
    error: text('error'),
    createdAt: createdAt(),
  },
  // By date: the housekeeping job deletes the oldest in bounded batches (src/jobs/housekeeping.ts).
  (t) => [
    primaryKey({ columns: [t.linkId, t.date] }),
    index('link_checks_partner_idx').on(t.partnerId, t.date),
    index('link_checks_date_idx').on(t.date),
  ],
);

/**
 * Exchange rates of a day: 1 `base` = `rate` `quote` (ECB style), posted by an admin or fetched
 * from the ECB. A conversion in another currency than its partner's uses the rates of its day.
 */
export const exchangeRates = sqliteTable(
  'exchange_rates',
  {
    date: text('date').notNull(),
    base: text('base').notNull(),
    quote: text('quote').notNull(),
    /** A decimal text, kept exactly as given. */
    rate: text('rate').notNull(),
    source: text('source', { enum: EXCHANGE_RATE_SOURCES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.date, t.base, t.quote] })],
);

/** Monthly statements: what a partner owes for a month, numbered without gaps per year; never changed once issued. */
export const statements = sqliteTable(
  'statements',
  {
    id: text('id').primaryKey(),
    /** `REL-YYYY-NNNN`, the year being the year of issue. */
    number: text('number').notNull(),
    partnerId: text('partner_id').notNull(),
    /** The month stated, `YYYY-MM` in the programme's time zone. */
    month: text('month').notNull(),
    currency: text('currency').notNull(),
    /** Commission of the month's conversions approved by the time the statement was made. */
    commissionMinor: integer('commission_minor').notNull(),
    /** Corrections of earlier months: later approvals (positive), commission taken back (negative). */
    adjustmentsMinor: integer('adjustments_minor').notNull(),
    totalExclVatMinor: integer('total_excl_vat_minor').notNull(),
    vatRateBp: integer('vat_rate_bp').notNull(),
    vatMinor: integer('vat_minor').notNull(),
    totalInclVatMinor: integer('total_incl_vat_minor').notNull(),
    status: text('status', { enum: STATEMENT_STATUSES }).notNull(),
    issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    paidAt: integer('paid_at', { mode: 'timestamp_ms' }),
    /** The partner's legal identity as it was when the statement was issued. */
    billedTo: json<Record<string, string | null>>('billed_to').notNull(),
    /** The programme's own legal identity (the seller) when the statement was issued. */
    issuedBy: json<Record<string, string | null>>('issued_by'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('statements_number_uq').on(t.number),
    uniqueIndex('statements_partner_month_uq').on(t.partnerId, t.month),
    index('statements_month_idx').on(t.month),
  ],
);

/** The lines of a statement: one per conversion stated or corrected. */
export const statementLines = sqliteTable(
  'statement_lines',
  {
    id: text('id').primaryKey(),
    statementId: text('statement_id').notNull(),
    conversionId: text('conversion_id').notNull(),
    kind: text('kind', { enum: STATEMENT_LINE_KINDS }).notNull(),
    transactionId: text('transaction_id').notNull(),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    /** The amount left after refunds, in the statement's currency. */
    amountMinor: integer('amount_minor').notNull(),
    /** What this line adds to the statement (negative for commission taken back). */
    commissionMinor: integer('commission_minor').notNull(),
  },
  (t) => [
    index('statement_lines_statement_idx').on(t.statementId, t.occurredAt),
    index('statement_lines_conversion_idx').on(t.conversionId),
  ],
);

/** The last statement number given per year: numbers are handed out in the statement's own transaction. */
export const statementNumbers = sqliteTable('statement_numbers', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

/** Progress of scheduled jobs, so that an interrupted run resumes where it stopped. */
export const jobState = sqliteTable('job_state', {
  name: text('name').primaryKey(),
  cursor: text('cursor'),
  updatedAt: updatedAt(),
});

/**
 * One row: a mark of the daily aggregates and breakdowns, given a new random value in the same
 * batch as every rebuild of them. Reports keep finished days' figures in the isolate only while
 * it stays the same (src/isolate/report-cache.ts).
 */
/**
 * The register of erasures (GDPR article 17): who asked and how many records each changed, never
 * whom it was about. Neither the app user id, the visitor id nor any hash of them is kept here, so
 * that the register of erasures cannot itself say who was erased.
 */
export const privacyErasures = sqliteTable('privacy_erasures', {
  id: text('id').primaryKey(),
  createdAt: createdAt(),
  /** An API key's id, or `admin-key` for the deployment's own ADMIN_API_KEY (as `conversion_history.actor`). */
  actor: text('actor').notNull(),
  /** Which identifiers the request gave (not their values). */
  byUserRef: integer('by_user_ref', { mode: 'boolean' }).notNull(),
  byVisitorId: integer('by_visitor_id', { mode: 'boolean' }).notNull(),
  clicks: integer('clicks').notNull(),
  events: integer('events').notNull(),
  conversions: integer('conversions').notNull(),
  referralCodes: integer('referral_codes').notNull(),
  postbackLogEntries: integer('postback_log_entries').notNull(),
});

export const aggregatesVersion = sqliteTable('aggregates_version', {
  id: integer('id').primaryKey(),
  version: text('version').notNull(),
  updatedAt: updatedAt(),
});

export type Partner = typeof partners.$inferSelect;
export type NewPartner = typeof partners.$inferInsert;
export type Link = typeof links.$inferSelect;
export type NewLink = typeof links.$inferInsert;
export type Click = typeof clicks.$inferSelect;
export type NewClick = typeof clicks.$inferInsert;
export type Conversion = typeof conversions.$inferSelect;
export type NewConversion = typeof conversions.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type ConsoleUserRow = typeof consoleUsers.$inferSelect;
export type Coupon = typeof coupons.$inferSelect;
export type ReferralCode = typeof referralCodes.$inferSelect;
export type PrivacyErasure = typeof privacyErasures.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type ExchangeRate = typeof exchangeRates.$inferSelect;
export type Statement = typeof statements.$inferSelect;
export type StatementLine = typeof statementLines.$inferSelect;
