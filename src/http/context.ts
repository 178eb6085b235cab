// The Hono environment of every route: Worker bindings plus the caller resolved by `auth`.

/** Who is calling: an admin (every right) or a partner (read-only, its own data). */
export type Principal = { role: 'admin'; keyId: string | null } | { role: 'partner'; keyId: string; partnerId: string };

export type AppEnv = {
  Bindings: Env;
  Variables: { principal: Principal };
};
