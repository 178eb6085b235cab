// The Hono environment of every route: Worker bindings plus the caller resolved by `auth`.
import type { Principal } from './auth';

export type AppEnv = {
  Bindings: Env;
  Variables: { principal: Principal };
};
