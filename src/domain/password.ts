// Console passwords: PBKDF2-SHA256 through WebCrypto with a random salt each, kept as text that names its own parameters.
import { constantTimeEqual } from './hashing';
import { fromBase64Url, toBase64Url } from './ids';

/**
 * Iterations of PBKDF2: workerd refuses to derive with more than 100,000 (it bounds the CPU one
 * request may spend), so this is the most a Worker can use. Stored with each hash, so that a
 * later count verifies older hashes still.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = 'pbkdf2-sha256';

/** The shortest password accepted, in characters (code points). */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest: enough for any passphrase, and a bound on the work one attempt can ask for. */
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long';

/**
 * What makes a password unacceptable, or null. Length is what matters (NIST SP 800-63B): no
 * rules of composition, which push people to predictable patterns.
 * @example passwordProblem('hunter2') // 'too_short'
 */
export function passwordProblem(password: string): PasswordProblem | null {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  return null;
}

const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/**
 * The stored form of a password: `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url), with
 * 16 random bytes of salt of its own.
 * @example await hashPassword('correct horse battery') // 'pbkdf2-sha256$100000$q3...$Zf...'
 */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/**
 * Whether `password` is the one `stored` was made from, compared in constant time. A stored
 * text that is not one `hashPassword` makes (or asks for more iterations than workerd allows)
 * matches nothing.
 * @example await verifyPassword('correct horse battery', stored) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== SCHEME || !/^[1-9]\d{0,5}$/.test(parts[1] ?? '')) return false;
  const iterations = Number(parts[1]);
  if (iterations > PBKDF2_ITERATIONS) return false;
  let salt: Uint8Array;
  try {
    salt = fromBase64Url(parts[2] ?? '');
  } catch {
    return false;
  }
  if (salt.length === 0 || !parts[3]) return false;
  return constantTimeEqual(toBase64Url(await derive(password, salt, iterations)), parts[3]);
}

/**
 * A stored form no password is known to match (its hash is all zeros), verified in place of a
 * missing one: an unknown email or a person without a password yet costs a sign-in the same
 * time as a wrong password, so that the time of the answer does not tell which it was.
 */
export const DECOY_PASSWORD_HASH = `${SCHEME}$${PBKDF2_ITERATIONS}$${toBase64Url(new Uint8Array(SALT_BYTES))}$${toBase64Url(new Uint8Array(HASH_BYTES))}`;
