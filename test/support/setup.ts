// Before each test file: a fresh Worker in the workerd that the files of a vitest worker share.
import { vi } from 'vitest';
import { freshWorker } from './fresh-worker';

// A file that left the clock faked would leave it faked for the next one.
vi.useRealTimers();
await freshWorker();
