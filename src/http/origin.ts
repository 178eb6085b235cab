// The public origin of the service, for URLs the API hands out.

/** `PUBLIC_ORIGIN` when configured (behind a custom domain), else the request's own origin. */
export function originOf(c: { env: Env; req: { url: string } }): string {
  return c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin;
}
