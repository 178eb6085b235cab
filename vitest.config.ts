// Tests run inside workerd through the Cloudflare Vitest integration: real D1, real Durable Objects.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  // The very migrations `wrangler d1 migrations apply` runs, applied in test/support/setup.ts.
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_API_KEY: 'test-admin-key',
            HASH_KEY: 'test-hash-key',
            SECRETS_KEY: 'test-secrets-key',
            ENVIRONMENT: 'development',
            // Tests call the API faster than any client may, with few keys: the API's rate limit is
            // raised here so that it decides no other test's outcome. test/api/rate-limit.test.ts
            // checks it with the default limits.
            API_RATE_PER_SEC: '100000',
            API_BURST: '100000',
            API_ADMIN_RATE_PER_SEC: '100000',
            API_ADMIN_BURST: '100000',
          },
        },
      }),
    ],
    test: {
      setupFiles: ['./test/support/setup.ts'],
      include: ['test/**/*.test.ts'],
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
    },
  };
});
