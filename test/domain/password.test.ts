import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/domain/ids';
import {
  DECOY_PASSWORD_HASH,
  hashPassword,
  PBKDF2_ITERATIONS,
  passwordProblem,
  verifyPassword,
} from '../../src/domain/password';

const PASSWORD = 'correct horse battery';

describe('hashPassword', () => {
  it('names its scheme and iterations, then a 16-byte salt and a 32-byte hash in base64url', async () => {
    const stored = await hashPassword(PASSWORD);
    const [scheme, iterations, salt, hash, ...rest] = stored.split('$');
    expect(scheme).toBe('pbkdf2-sha256');
    expect(iterations).toBe('100000');
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(salt).toMatch(/^[\w-]{22}$/);
    expect(hash).toMatch(/^[\w-]{43}$/);
    expect(fromBase64Url(salt as string)).toHaveLength(16);
    expect(fromBase64Url(hash as string)).toHaveLength(32);
    expect(rest).toEqual([]);
  });

  it('is PBKDF2-SHA256 of the password and the salt it names', async () => {
    const stored = await hashPassword(PASSWORD, 1_000);
    const [, , salt, hash] = stored.split('$') as [string, string, string, string];
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(PASSWORD), 'PBKDF2', false, [
      'deriveBits',
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64Url(salt), iterations: 1_000 },
      key,
      256,
    );
    expect(fromBase64Url(hash)).toEqual(new Uint8Array(bits));
  });

  it('salts each hash anew: the same password never gives the same text twice', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).not.toBe(b);
    expect(a.split('$')[2]).not.toBe(b.split('$')[2]);
  });
});

describe('verifyPassword', () => {
  it('accepts the password a hash was made from and refuses any other', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('verifies with the iterations the stored text names', async () => {
    const stored = await hashPassword(PASSWORD, 2_000);
    expect(stored.split('$')[1]).toBe('2000');
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(PASSWORD, stored.replace('$2000$', '$2001$'))).toBe(false);
  });

  it('matches nothing with a text it did not make', async () => {
    const [, , salt, hash] = (await hashPassword(PASSWORD, 1_000)).split('$');
    for (const stored of [
      '',
      'plain-text-password',
      `pbkdf2-sha1$1000$${salt}$${hash}`,
      `pbkdf2-sha256$0$${salt}$${hash}`,
      `pbkdf2-sha256$01000$${salt}$${hash}`,
      `pbkdf2-sha256$1000$$${hash}`,
      `pbkdf2-sha256$1000$${salt}$`,
      `pbkdf2-sha256$1000$${salt}`,
      `pbkdf2-sha256$1000$${salt}$${hash}$`,
      `pbkdf2-sha256$1000$%%%$${hash}`,
      // More than workerd derives with: refused rather than thrown.
      `pbkdf2-sha256$100001$${salt}$${hash}`,
    ]) {
      expect(await verifyPassword(PASSWORD, stored), stored).toBe(false);
    }
  });

  it('finds no password for the decoy, which costs the full iterations', async () => {
    expect(DECOY_PASSWORD_HASH.startsWith('pbkdf2-sha256$100000$')).toBe(true);
    expect(await verifyPassword(PASSWORD, DECOY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('', DECOY_PASSWORD_HASH)).toBe(false);
  });

  it('accepts every password with its own hash and refuses it with another password', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme' }),
        fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme' }),
        async (password, other) => {
          const stored = await hashPassword(password, 10);
          expect(await verifyPassword(password, stored)).toBe(true);
          expect(await verifyPassword(other, stored)).toBe(other === password);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('passwordProblem', () => {
  it('wants at least 12 characters', () => {
    expect(passwordProblem('')).toBe('too_short');
    expect(passwordProblem('a'.repeat(11))).toBe('too_short');
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('correct horse battery staple')).toBeNull();
  });

  it('counts characters as people type them: an emoji is one', () => {
    // 11 emoji are 22 UTF-16 units, still 11 characters.
    expect(passwordProblem('🔑'.repeat(11))).toBe('too_short');
    expect(passwordProblem('🔑'.repeat(12))).toBeNull();
  });

  it('asks nothing of what the characters are: twelve of the same will do', () => {
    expect(passwordProblem('            ')).toBeNull();
    expect(passwordProblem('000000000000')).toBeNull();
  });

  it('takes at most 256 characters', () => {
    expect(passwordProblem('a'.repeat(256))).toBeNull();
    expect(passwordProblem('a'.repeat(257))).toBe('too_long');
  });
});
