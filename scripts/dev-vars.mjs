// The secrets of .dev.vars for `npm start`: every required one present and long enough, or made so.
//
// The Worker refuses to serve while ADMIN_API_KEY, HASH_KEY or SECRETS_KEY is missing or shorter
// than 32 bytes (src/domain/settings.ts, whose rule test/scripts/dev-vars.test.ts keeps this one
// equal to). No Node module here: the test runs it inside workerd.

/** The secrets the Worker requires. */
export const REQUIRED_SECRETS = ['ADMIN_API_KEY', 'HASH_KEY', 'SECRETS_KEY'];
/** The shortest secret the Worker accepts, in bytes. */
export const MIN_SECRET_BYTES = 32;

const encoder = new TextEncoder();

/** A dotenv value as the Worker will see it: surrounding quotes removed. */
function unquoted(value) {
  const v = value.trim();
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/**
 * Completes the text of a .dev.vars (or of .dev.vars.example): a required secret set to
 * `generate`, missing, empty or shorter than MIN_SECRET_BYTES gets `fresh(name)` instead. Other
 * lines are kept as they are. `fixes` lists what was wrong, placeholders aside.
 * @param {string} text
 * @param {(name: string) => string} fresh
 * @returns {{ text: string, fixes: { name: string, problem: 'missing' | 'too_short' }[] }}
 * @example completeDevVars('HASH_KEY=abc\n', fresh).fixes // [{ name: 'ADMIN_API_KEY', problem: 'missing' }, { name: 'HASH_KEY', problem: 'too_short' }, ...]
 */
export function completeDevVars(text, fresh) {
  const fixes = [];
  const seen = new Set();
  const lines = text.split('\n').map((line) => {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=(.*)$/.exec(line);
    const name = match?.[1];
    if (!name || !REQUIRED_SECRETS.includes(name)) return line;
    seen.add(name);
    const value = unquoted(match[2]);
    if (value === 'generate') return `${name}=${fresh(name)}`;
    if (encoder.encode(value).length >= MIN_SECRET_BYTES) return line;
    // Every line of a name is checked: of two, the later is the one that counts.
    if (!fixes.some((f) => f.name === name)) fixes.push({ name, problem: value === '' ? 'missing' : 'too_short' });
    return `${name}=${fresh(name)}`;
  });
  const missing = REQUIRED_SECRETS.filter((name) => !seen.has(name));
  if (missing.length > 0 && lines.at(-1) === '') lines.pop();
  for (const name of missing) {
    fixes.push({ name, problem: 'missing' });
    lines.push(`${name}=${fresh(name)}`);
  }
  if (missing.length > 0) lines.push('');
  return { text: lines.join('\n'), fixes };
}
