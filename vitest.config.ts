// Tests run inside workerd through the Cloudflare Vitest integration: real D1, real Durable Objects.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** The Worker's secrets in tests: each 32 bytes or more, as it requires (src/domain/settings.ts). */
const TEST_SECRETS = {
  ADMIN_API_KEY: 'rl_admin_test-key-0123456789abcdefghij',
  HASH_KEY: 'test-hash-key-0123456789abcdefghijkl',
  SECRETS_KEY: 'test-secrets-key-0123456789abcdefghi',
};
/**
 * A Worker deployed wrong (test/misconfigured/): no HASH_KEY, a SECRETS_KEY of 31 bytes. HASH_KEY
 * is bound empty rather than left out: the plugin also reads .dev.vars (`npm start` writes one),
 * whose HASH_KEY would otherwise fill the gap.
 */
const MISCONFIGURED_SECRETS = {
  ADMIN_API_KEY: TEST_SECRETS.ADMIN_API_KEY,
  HASH_KEY: '',
  SECRETS_KEY: 'short-secrets-key-0123456789abc',
};
/**
 * Days are UTC ones unless a project says otherwise: set here rather than left to wrangler.toml,
 * since the plugin also reads .dev.vars, where a REPORT_TIMEZONE would change every date tested.
 */
const UTC_DAYS = { REPORT_TIMEZONE: 'UTC' };
/** A French programme (test/zone/): its days and months are those of Paris. */
const PARIS_DAYS = { REPORT_TIMEZONE: 'Europe/Paris' };

export default defineConfig(async () => {
  // The very migrations `wrangler d1 migrations apply` runs, applied in test/support/setup.ts.
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  // A workerd of its own per project, with these secrets and settings among the Worker's bindings.
  const project = (
    name: string,
    settings: Record<string, string>,
    test: TestProjectInlineConfiguration['test'],
  ): TestProjectInlineConfiguration => ({
    extends: true,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: 'development',
            // Tests call the API faster than any client may, with few keys: the API's rate limit is
            // raised here so that it decides no other test's outcome. test/api/rate-limit.test.ts
            // checks it with the default limits.
            API_RATE_PER_SEC: '100000',
            API_BURST: '100000',
            API_ADMIN_RATE_PER_SEC: '100000',
            API_ADMIN_BURST: '100000',
            // The seller printed on statements (test/api/statements.test.ts).
            ISSUER_NAME: 'Assistant Auto Ultime SAS',
            ISSUER_ADDRESS: '5 avenue des Ternes, 75017 Paris',
            ISSUER_VAT_NUMBER: 'FR98765432109',
            ISSUER_REGISTRATION: 'RCS Paris 987 654 321',
            ...settings,
          },
        },
      }),
    ],
    test: { name, ...test },
  });
  return {
    // The console's JSX (src/console/) is Hono's, as tsconfig.json says for wrangler's bundler.
    oxc: { jsx: { runtime: 'automatic' as const, importSource: 'hono/jsx' } },
    test: {
      setupFiles: ['./test/support/setup.ts'],
      // In Node, once for the run: local stand-ins for the ECB's rate files and for affiliate networks' APIs.
      globalSetup: ['./test/support/rates-server.ts', './test/support/network-server.ts'],
      // The Worker as deployed (UTC days, and Paris ones), and two deployed wrong, which must refuse to serve.
      projects: [
        project(
          'relais',
          { ...TEST_SECRETS, ...UTC_DAYS },
          // test/browser/ runs in Node against a real Worker: vitest.browser.config.ts.
          {
            include: ['test/**/*.test.{ts,tsx}'],
            exclude: ['test/zone/**', 'test/misconfigured/**', 'test/browser/**'],
          },
        ),
        project('zone', { ...TEST_SECRETS, ...PARIS_DAYS }, { include: ['test/zone/**/*.test.{ts,tsx}'] }),
        project(
          'misconfigured',
          { ...MISCONFIGURED_SECRETS, ...UTC_DAYS },
          { include: ['test/misconfigured/**/*.test.ts'] },
        ),
      ],
      // Each vitest worker starts one workerd and runs its test files there one after the other;
      // test/support/setup.ts gives each file an empty storage and fresh modules. A workerd and
      // the Worker's modules loaded anew for every file took most of the suite's time.
      isolate: false,
      // Vitest's default leaves one core idle; the files' time is mostly waiting on workerd and
      // D1, so two workers keep a 2-core machine busy.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // The heaviest tests (the hashes' property tests, the sweep of 45 changed days, a backlog of
      // 22,000 clicks) take one or two seconds on a quiet machine, and up to 13 s on a 2-core one
      // that other test runs share: past Vitest's default of 5 s, they failed for nothing.
      testTimeout: 20_000,
      // Set-up hooks that make a file's fixtures through the API (partners, keys, statements)
      // wait on the same busy machine.
      hookTimeout: 30_000,
    },
  };
});
