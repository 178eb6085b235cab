// Tests run inside workerd through the Cloudflare Vitest integration: real D1, real Durable Objects.
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
          },
        },
      }),
    ],
    test: {
      setupFiles: ['./test/support/setup.ts'],
      include: ['test/**/*.test.ts'],
    },
  };
});
