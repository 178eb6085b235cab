import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedHash } from '../../src/domain/hashing';
import { fingerprintOf, userHash } from '../../src/domain/identity';
import { KeyedHasher } from '../../src/domain/keyed-hasher';

describe('KeyedHasher', () => {
  it('gives the HMAC-SHA256 of purpose, NUL and value, cut to 24 bytes in base64url', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('Jefe'),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = new Uint8Array(
      await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('what\u0000do ya want?')),
    );
    const expected = btoa(String.fromCharCode(...mac.subarray(0, 24)))
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    expect(new KeyedHasher('Jefe').hash('what', 'do ya want?')).toBe(expected);
  });

  it('hashes a key longer than a block first, as HMAC requires', async () => {
    const secret = 'k'.repeat(131);
    expect(new KeyedHasher(secret).hash('user', 'u-1')).toBe(await keyedHash(secret, 'user', 'u-1'));
  });

  it('equals keyedHash for any key, purpose and value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 300, unit: 'binary' }),
        async (secret, purpose, value) => {
          expect(new KeyedHasher(secret).hash(purpose, value)).toBe(await keyedHash(secret, purpose, value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals userHash and fingerprintOf', async () => {
    const key = 'test-hash-key';
    const hasher = new KeyedHasher(key);
    await fc.assert(
      fc.asyncProperty(
        fc.ipV4(),
        fc.string({ maxLength: 400, unit: 'binary' }),
        fc.string({ maxLength: 80 }),
        async (ip, ua, uid) => {
          expect(hasher.fingerprint(ip, ua, '2026-11-25')).toBe(await fingerprintOf(key, ip, ua, '2026-11-25'));
          expect(hasher.user(uid)).toBe(await userHash(key, uid));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes messages across every block boundary the same as keyedHash', async () => {
    const hasher = new KeyedHasher('k');
    for (let n = 0; n < 200; n++) {
      expect(hasher.hash('p', 'x'.repeat(n))).toBe(await keyedHash('k', 'p', 'x'.repeat(n)));
    }
  });

  it('gives the same answer however many hashes came before, and with lone surrogates and astral characters', async () => {
    const hasher = new KeyedHasher('k');
    const values = ['\ud83d\ude97 Clio', 'a\ud800b', '\udc00', 'é'.repeat(70), 'x'.repeat(119)];
    const first = values.map((v) => hasher.hash('p', v));
    for (const v of values) expect(hasher.hash('p', v)).toBe(await keyedHash('k', 'p', v));
    expect(values.map((v) => hasher.hash('p', v))).toEqual(first);
  });

  it('refuses an empty key, as keyedHash does: a hash under it can be made by anyone', async () => {
    expect(() => new KeyedHasher('')).toThrow('The HMAC key is empty');
    await expect(keyedHash('', 'user', 'u-1')).rejects.toThrow('The HMAC key is empty');
  });
});
