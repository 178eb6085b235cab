import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refusalOf } from '../../src/isolate/configuration';

const strong = 'k'.repeat(32);
const settings = (secrets: Record<string, string>) => ({ ...env, ...secrets }) as Env;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('refusalOf', () => {
  it('lets the Worker under test serve', () => {
    expect(refusalOf(env)).toBeNull();
  });

  it('refuses with a 500 misconfigured naming the faulty settings, never their values', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const refusal = refusalOf(settings({ ADMIN_API_KEY: '', HASH_KEY: 'short-hash-key', SECRETS_KEY: strong }));
    expect(refusal?.status).toBe(500);
    expect(refusal?.toBody()).toEqual({
      error: {
        code: 'misconfigured',
        message: expect.stringContaining('ADMIN_API_KEY is missing, HASH_KEY is shorter than 32 bytes.'),
        details: {
          settings: [
            { setting: 'ADMIN_API_KEY', problem: 'missing' },
            { setting: 'HASH_KEY', problem: 'too_short' },
          ],
        },
      },
    });
    expect(JSON.stringify(refusal?.toBody())).not.toContain('short-hash-key');
  });

  it('judges and logs an env object once, however often it is asked', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = settings({ HASH_KEY: '' });
    const first = refusalOf(broken);
    for (let i = 0; i < 5; i++) {
      expect(refusalOf(broken)).toBe(first);
      expect(refusalOf(env)).toBeNull();
    }
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toContain('HASH_KEY is missing');
  });
});
