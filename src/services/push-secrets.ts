// Partners' push signing secrets: issued, rotated with a day's overlap, and opened to sign a daily push.
//
// Why a secret apart from the postback one: whoever verifies the pushes (the partner's receiving
// server, perhaps a third party's) holds the secret they are signed with. Were it the postback
// secret, that holder could sign postbacks, i.e. conversions and commissions. The push secret
// only ever signs what Relais sends, and is never accepted on a postback.
import { dbOf } from '../db/client';
import { setPushSecretIfAbsent, updatePartner } from '../db/partners';
import type { Partner } from '../db/schema';
import { open, seal } from '../domain/secret-box';
import { rotated, secretsInForce } from '../domain/secret-rotation';
import { newSigningSecret } from '../domain/standard-webhooks';

/** A new push secret: the clear `whsec_` value to show once, and its sealed form to store. */
export async function issuePushSecret(env: Env): Promise<{ pushSigningSecret: string; pushSecretEnc: string }> {
  const pushSigningSecret = newSigningSecret();
  return { pushSigningSecret, pushSecretEnc: await seal(env.SECRETS_KEY, pushSigningSecret) };
}

/**
 * Gives the partner a new push secret. The one it replaces keeps signing pushes beside it for 24
 * hours (both signatures in `webhook-signature`), so the receiver can switch without refusing one.
 * The postback secret and token are left as they are.
 * @example const { pushSigningSecret } = await rotatePushSecret(env, partner) // 'whsec_...'
 */
export async function rotatePushSecret(
  env: Env,
  partner: Partner,
  nowMs: number = Date.now(),
): Promise<{ partner: Partner; pushSigningSecret: string }> {
  const { pushSigningSecret, pushSecretEnc } = await issuePushSecret(env);
  const next = rotated(pushSecretEnc, partner.pushSecretEnc, nowMs);
  const row = await updatePartner(dbOf(env), partner.id, {
    pushSecretEnc: next.current,
    previousPushSecretEnc: next.previous,
    previousPushSecretExpiresAt: next.previousExpiresAt,
  });
  return { partner: row, pushSigningSecret };
}

/**
 * The clear secrets a push is signed with at `nowMs`: the partner's push secret, and the one it
 * replaced during the day after a rotation. A partner made before push secrets existed gets one
 * now, which nobody holds yet: its receiver verifies pushes again once an admin rotates it and
 * hands it over. Never the postback secret.
 */
export async function pushSecretsOf(env: Env, partner: Partner, nowMs: number): Promise<string[]> {
  const current =
    partner.pushSecretEnc ??
    (await setPushSecretIfAbsent(dbOf(env), partner.id, (await issuePushSecret(env)).pushSecretEnc));
  if (current === null) throw new Error('the partner has no push secret and none could be stored');
  const sealed = secretsInForce(
    { current, previous: partner.previousPushSecretEnc, previousExpiresAt: partner.previousPushSecretExpiresAt },
    nowMs,
  );
  return Promise.all(sealed.map((s) => open(env.SECRETS_KEY, s)));
}
