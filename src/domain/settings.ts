// The secrets Relais will not run without, and how long they must be.
//
// Why refuse rather than carry on: an absent secret reads as an empty string, and an empty key is a
// key everyone knows. Partners' signing secrets would be sealed under SHA-256 of nothing, click
// and API-key hashes made under a blank HMAC key, and a blank admin key would be one step from
// letting anyone in. A short key is little better: it can be guessed offline from one stored hash.
// 32 bytes is the size of the AES-256 and HMAC-SHA256 keys they stand for; `npm start` generates
// them that long, and production sets them with `wrangler secret put`.

/** The secrets every entry point needs (README, "Configuration"). */
export const REQUIRED_SECRETS = ['ADMIN_API_KEY', 'HASH_KEY', 'SECRETS_KEY'] as const;

export type SecretName = (typeof REQUIRED_SECRETS)[number];

/** The shortest secret accepted, in bytes of its UTF-8 text. */
export const MIN_SECRET_BYTES = 32;

/** What is wrong with one setting; never its value. */
export type SettingProblem = { setting: SecretName; problem: 'missing' | 'too_short' };

const encoder = new TextEncoder();

/**
 * Whether `value` can serve as a secret: a string of at least `MIN_SECRET_BYTES` bytes.
 * @example isStrongSecret('test-hash-key') // false
 */
export function isStrongSecret(value: unknown): value is string {
  return typeof value === 'string' && encoder.encode(value).length >= MIN_SECRET_BYTES;
}

/**
 * The required secrets that are missing (absent, empty or blank) or shorter than `MIN_SECRET_BYTES`.
 * @example settingProblems({ ADMIN_API_KEY: 'x'.repeat(40), HASH_KEY: '', SECRETS_KEY: 'short' })
 * // [{ setting: 'HASH_KEY', problem: 'missing' }, { setting: 'SECRETS_KEY', problem: 'too_short' }]
 */
export function settingProblems(settings: Partial<Record<SecretName, unknown>>): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const setting of REQUIRED_SECRETS) {
    const value = settings[setting];
    if (typeof value !== 'string' || value.trim() === '') problems.push({ setting, problem: 'missing' });
    else if (!isStrongSecret(value)) problems.push({ setting, problem: 'too_short' });
  }
  return problems;
}

/**
 * One sentence for whoever deploys: which settings to fix and how, without their values.
 * @example misconfigurationMessage([{ setting: 'HASH_KEY', problem: 'missing' }])
 * // 'Relais is not configured: HASH_KEY is missing. Set each secret to 32 random bytes or more ...'
 */
export function misconfigurationMessage(problems: readonly SettingProblem[]): string {
  const faults = problems.map(({ setting, problem }) =>
    problem === 'missing' ? `${setting} is missing` : `${setting} is shorter than ${MIN_SECRET_BYTES} bytes`,
  );
  return (
    `Relais is not configured: ${faults.join(', ')}. Set each secret to ${MIN_SECRET_BYTES} random bytes or ` +
    'more (`wrangler secret put NAME`; `.dev.vars` locally) and deploy again.'
  );
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
