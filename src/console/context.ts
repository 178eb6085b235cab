// The Hono environment of the console's pages: Worker bindings, the session and the view context.
import type { ConsoleSession } from '../services/console-sessions';
import type { Ui } from './ui/ui';

export type ConsoleEnv = {
  Bindings: Env;
  Variables: { session: ConsoleSession; ui: Ui };
};
