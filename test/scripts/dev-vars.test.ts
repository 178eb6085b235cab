import { describe, expect, it } from 'vitest';
import exampleText from '../../.dev.vars.example?raw';
import { completeDevVars, MIN_SECRET_BYTES, REQUIRED_SECRETS } from '../../scripts/dev-vars.mjs';
import * as settings from '../../src/domain/settings';

const fresh = (name: string) => `fresh-${name}`;
const long = 'x'.repeat(MIN_SECRET_BYTES);

describe('completeDevVars (npm start)', () => {
  it('follows the rule the Worker enforces', () => {
    expect(MIN_SECRET_BYTES).toBe(settings.MIN_SECRET_BYTES);
    expect(REQUIRED_SECRETS).toEqual([...settings.REQUIRED_SECRETS]);
  });

  it('fills every "generate" of the example, silently, and keeps the rest', () => {
    const { text, fixes } = completeDevVars(exampleText, fresh);
    expect(fixes).toEqual([]);
    for (const name of REQUIRED_SECRETS) expect(text).toContain(`\n${name}=fresh-${name}\n`);
    expect(text).toContain('\nENVIRONMENT=development\n');
    expect(text).not.toContain('=generate');
  });

  it('replaces short and empty secrets, adds missing ones, and says which', () => {
    const { text, fixes } = completeDevVars(`# mine\nADMIN_API_KEY=${long}\nHASH_KEY="short"\nSECRETS_KEY=\n`, fresh);
    expect(text).toBe(`# mine\nADMIN_API_KEY=${long}\nHASH_KEY=fresh-HASH_KEY\nSECRETS_KEY=fresh-SECRETS_KEY\n`);
    expect(fixes).toEqual([
      { name: 'HASH_KEY', problem: 'too_short' },
      { name: 'SECRETS_KEY', problem: 'missing' },
    ]);
    const added = completeDevVars('ENVIRONMENT=development', fresh);
    expect(added.text).toBe(
      'ENVIRONMENT=development\nADMIN_API_KEY=fresh-ADMIN_API_KEY\nHASH_KEY=fresh-HASH_KEY\nSECRETS_KEY=fresh-SECRETS_KEY\n',
    );
    expect(added.fixes.map((f) => f.problem)).toEqual(['missing', 'missing', 'missing']);
  });

  it('leaves a sound file as it is, quotes and multi-byte characters counted as the Worker counts them', () => {
    const sound = `ADMIN_API_KEY='${long}'\nHASH_KEY=${'é'.repeat(16)}\nSECRETS_KEY=${long}\n`;
    expect(completeDevVars(sound, fresh)).toEqual({ text: sound, fixes: [] });
  });
});
