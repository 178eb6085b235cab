// The settings Relais will not run without: its secrets and how long they must be, and a time
// zone it knows.
//
// Why refuse rather than carry on: an absent secret reads as an empty string, and an empty key is a
// key everyone knows. Partners' signing secrets would be sealed under SHA-256 of nothing, click
// and API-key hashes made under a blank HMAC key, and a blank admin key would be one step from
// letting anyone in. A short key is little better: it can be guessed offline from one stored hash.
// 32 bytes is the size of the AES-256 and HMAC-SHA256 keys they stand for; `npm start` generates
// them that long, and production sets them with `wrangler secret put`. A misspelt
// `REPORT_TIMEZONE` is refused too: read as UTC instead, it would move sales and clicks near
// midnight onto other days and months in every report, push and statement. So is a
// `LOG_RETENTION_DAYS` that is not a number of days: read as the default, logs would be kept
// longer (or shorter) than the retention the programme declared. A `CLICK_RETENTION_DAYS` or an
// `ARCHIVE_RETENTION_DAYS` likewise: read as anything else, either could delete clicks early.
import { timeZoneOf } from './calendar';

/** The secrets every entry point needs (README, "Configuration"). */
export const REQUIRED_SECRETS = ['ADMIN_API_KEY', 'HASH_KEY', 'SECRETS_KEY'] as const;

export type SecretName = (typeof REQUIRED_SECRETS)[number];

/** The shortest secret accepted, in bytes of its UTF-8 text. */
export const MIN_SECRET_BYTES = 32;

/** What is wrong with one setting; never its value. */
export type SettingProblem =
  | { setting: SecretName; problem: 'missing' | 'too_short' }
  | { setting: 'REPORT_TIMEZONE'; problem: 'unknown_time_zone' }
  | { setting: 'LOG_RETENTION_DAYS' | 'CLICK_RETENTION_DAYS' | 'ARCHIVE_RETENTION_DAYS'; problem: 'not_days' };

/** The settings judged: the secrets, the programme's time zone (unset or blank: UTC), the retentions. */
export type JudgedSettings = Partial<
  Record<
    SecretName | 'REPORT_TIMEZONE' | 'LOG_RETENTION_DAYS' | 'CLICK_RETENTION_DAYS' | 'ARCHIVE_RETENTION_DAYS',
    unknown
  >
>;

/** Days postback logs are kept when `LOG_RETENTION_DAYS` is unset or blank. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** The longest `LOG_RETENTION_DAYS` accepted: ten years, past any limitation period a log could serve. */
export const MAX_LOG_RETENTION_DAYS = 3650;

/**
 * `LOG_RETENTION_DAYS` as a number of days: a whole number from 1 to `MAX_LOG_RETENTION_DAYS`,
 * `DEFAULT_LOG_RETENTION_DAYS` when unset or blank; null for anything else.
 * @example logRetentionDays('14') // 14
 * logRetentionDays(undefined) // 30
 * logRetentionDays('30d') // null
 */
export function logRetentionDays(value: unknown): number | null {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return DEFAULT_LOG_RETENTION_DAYS;
  if (typeof value !== 'string' || !/^\s*\d{1,4}\s*$/.test(value)) return null;
  const days = Number(value);
  return days >= 1 && days <= MAX_LOG_RETENTION_DAYS ? days : null;
}

/** Days raw clicks and funnel events stay in D1 when `CLICK_RETENTION_DAYS` is unset or blank. */
export const DEFAULT_CLICK_RETENTION_DAYS = 90;
/**
 * The shortest `CLICK_RETENTION_DAYS` accepted. A UTC day leaves D1 once the retention is past its
 * end; at one day, the first hours of the programme's previous day (in a zone ahead of UTC) would
 * go before the daily aggregation at 00:10 UTC had counted them.
 */
export const MIN_CLICK_RETENTION_DAYS = 2;
/** The longest retention accepted: ten years, past which a typo is likelier than an intent. */
export const MAX_CLICK_RETENTION_DAYS = 3650;
/**
 * Days archived clicks are kept in R2, from the day of the click, when `ARCHIVE_RETENTION_DAYS` is
 * unset or blank: 13 months, the longest the CNIL allows a tracker to live, long enough for a year
 * of disputes and year-on-year questions.
 */
export const DEFAULT_ARCHIVE_RETENTION_DAYS = 395;

/**
 * A retention setting in whole days, `min` to `MAX_CLICK_RETENTION_DAYS`: `fallback` when unset
 * or blank, null for anything else.
 * @example retentionDaysOf('30', 90) // 30
 * retentionDaysOf(undefined, 90) // 90
 * retentionDaysOf('90d', 90) // null
 */
export function retentionDaysOf(value: unknown, fallback: number, min = MIN_CLICK_RETENTION_DAYS): number | null {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return fallback;
  if (typeof value !== 'string' || !/^\s*\d{1,4}\s*$/.test(value)) return null;
  const days = Number(value);
  return days >= min && days <= MAX_CLICK_RETENTION_DAYS ? days : null;
}

/** `ARCHIVE_RETENTION_DAYS` in days (1 to 3650, default 395), or null when it is not a number of days. */
export const archiveRetentionDays = (value: unknown): number | null =>
  retentionDaysOf(value, DEFAULT_ARCHIVE_RETENTION_DAYS, 1);

const encoder = new TextEncoder();

/**
 * Whether `value` can serve as a secret: a string of at least `MIN_SECRET_BYTES` bytes.
 * @example isStrongSecret('test-hash-key') // false
 */
export function isStrongSecret(value: unknown): value is string {
  return typeof value === 'string' && encoder.encode(value).length >= MIN_SECRET_BYTES;
}

/**
 * The required secrets that are missing (absent, empty or blank) or shorter than `MIN_SECRET_BYTES`,
 * then `REPORT_TIMEZONE` when it names no time zone the runtime knows.
 * @example settingProblems({ ADMIN_API_KEY: 'x'.repeat(40), HASH_KEY: '', SECRETS_KEY: 'short', REPORT_TIMEZONE: 'Europe/Pariss' })
 * // [{ setting: 'HASH_KEY', problem: 'missing' }, { setting: 'SECRETS_KEY', problem: 'too_short' },
 * //  { setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' }]
 */
export function settingProblems(settings: JudgedSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const setting of REQUIRED_SECRETS) {
    const value = settings[setting];
    if (typeof value !== 'string' || value.trim() === '') problems.push({ setting, problem: 'missing' });
    else if (!isStrongSecret(value)) problems.push({ setting, problem: 'too_short' });
  }
  if (!isTimeZoneSetting(settings.REPORT_TIMEZONE)) {
    problems.push({ setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' });
  }
  if (logRetentionDays(settings.LOG_RETENTION_DAYS) === null) {
    problems.push({ setting: 'LOG_RETENTION_DAYS', problem: 'not_days' });
  }
  if (retentionDaysOf(settings.CLICK_RETENTION_DAYS, DEFAULT_CLICK_RETENTION_DAYS) === null) {
    problems.push({ setting: 'CLICK_RETENTION_DAYS', problem: 'not_days' });
  }
  if (archiveRetentionDays(settings.ARCHIVE_RETENTION_DAYS) === null) {
    problems.push({ setting: 'ARCHIVE_RETENTION_DAYS', problem: 'not_days' });
  }
  return problems;
}

function isTimeZoneSetting(value: unknown): boolean {
  if (value !== undefined && typeof value !== 'string') return false;
  try {
    timeZoneOf(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * One sentence for whoever deploys: which settings to fix and how, without their values.
 * @example misconfigurationMessage([{ setting: 'HASH_KEY', problem: 'missing' }])
 * // 'Relais is not configured: HASH_KEY is missing. Set each secret to 32 random bytes or more ...'
 */
export function misconfigurationMessage(problems: readonly SettingProblem[]): string {
  const faults = problems.map(({ setting, problem }) =>
    problem === 'missing'
      ? `${setting} is missing`
      : problem === 'too_short'
        ? `${setting} is shorter than ${MIN_SECRET_BYTES} bytes`
        : problem === 'not_days'
          ? `${setting} is not a number of days`
          : `${setting} is not a time zone`,
  );
  const fixes: string[] = [];
  if (problems.some((p) => p.problem === 'missing' || p.problem === 'too_short')) {
    fixes.push(
      `Set each secret to ${MIN_SECRET_BYTES} random bytes or more (\`wrangler secret put NAME\`; \`.dev.vars\` locally)`,
    );
  }
  if (problems.some((p) => p.setting === 'REPORT_TIMEZONE')) {
    fixes.push('Set REPORT_TIMEZONE (wrangler.toml) to the IANA name of a time zone (Europe/Paris, UTC)');
  }
  if (problems.some((p) => p.setting === 'LOG_RETENTION_DAYS')) {
    fixes.push(
      `Set LOG_RETENTION_DAYS to a whole number of days from 1 to ${MAX_LOG_RETENTION_DAYS}, or leave it unset`,
    );
  }
  if (problems.some((p) => p.setting === 'CLICK_RETENTION_DAYS')) {
    fixes.push(
      `Set CLICK_RETENTION_DAYS to a whole number of days from ${MIN_CLICK_RETENTION_DAYS} to ${MAX_CLICK_RETENTION_DAYS}, or leave it unset for ${DEFAULT_CLICK_RETENTION_DAYS}`,
    );
  }
  if (problems.some((p) => p.setting === 'ARCHIVE_RETENTION_DAYS')) {
    fixes.push(
      `Set ARCHIVE_RETENTION_DAYS to a whole number of days from 1 to ${MAX_CLICK_RETENTION_DAYS}, or leave it unset for ${DEFAULT_ARCHIVE_RETENTION_DAYS}`,
    );
  }
  return `Relais is not configured: ${faults.join(', ')}. ${fixes.join('. ')} and deploy again.`;
}

/**
 * Throws when `key` is empty: a keyed hash or a cipher under an empty key protects nothing.
 * The length rule is enforced where settings enter (`settingProblems`); this is the last line.
 * @example refuseEmptyKey(env.HASH_KEY, 'HMAC')
 */
export function refuseEmptyKey(key: string | Uint8Array | undefined, use: string): void {
  // Checked at run time too: an absent setting arrives as undefined whatever the Env type says.
  if (!key?.length) throw new TypeError(`The ${use} key is empty: an empty key is one everybody knows.`);
}
