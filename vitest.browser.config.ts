// Browser tests (test/browser/): Chromium driven by playwright-core against the Worker run as `npm start` runs it, from Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    // Starts the Worker once for the run and hands its origin and admin key to the tests.
    globalSetup: ['./test/browser/support/worker.ts'],
    // One file at a time: each has its own Chromium, and the Worker, workerd and the browser
    // already share the 2 cores of the machine.
    fileParallelism: false,
    // A page's first visit waits on the Worker's first requests (bundling, D1 opening); a test
    // walks several pages.
    testTimeout: 60_000,
    // Launching Chromium, and signing in through an invitation, happen in hooks.
    hookTimeout: 60_000,
    // Closing Chromium, and stopping the Worker, which waits up to 10 s for it to exit.
    teardownTimeout: 30_000,
  },
});
