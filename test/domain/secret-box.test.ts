import { describe, expect, it } from 'vitest';
import { open, seal } from '../../src/domain/secret-box';

const KEY = 'secret-box-test-key-0123456789abcdef';

describe('secret box', () => {
  it('opens what it sealed, and only with the same key', async () => {
    const sealed = await seal(KEY, 'whsec_abc');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(await open(KEY, sealed)).toBe('whsec_abc');
    await expect(open(`${KEY}x`, sealed)).rejects.toThrow();
  });

  it('refuses an empty key, which would seal under a key everybody knows', async () => {
    await expect(seal('', 'whsec_abc')).rejects.toThrow('key is empty');
    await expect(seal(undefined as unknown as string, 'whsec_abc')).rejects.toThrow('key is empty');
    await expect(open('', 'v1.AAAAAAAAAAAAAAAA.AAAA')).rejects.toThrow('key is empty');
  });
});
