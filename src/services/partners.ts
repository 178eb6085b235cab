// Partners' use cases: issuing a partner's postback token and signing secret.
import { keyedHash } from '../domain/hashing';
import { randomToken } from '../domain/ids';
import { seal } from '../domain/secret-box';
import { newSigningSecret } from '../domain/standard-webhooks';

/**
 * Fresh postback token and signing secret: the clear values to show once and what is stored.
 * @example const { stored } = await issuePartnerSecrets(env) // { postbackTokenHash, signingSecretEnc }
 */
export async function issuePartnerSecrets(env: Env) {
  const postbackToken = `pbt_${randomToken(24)}`;
  const signingSecret = newSigningSecret();
  return {
    postbackToken,
    signingSecret,
    stored: {
      postbackTokenHash: await keyedHash(env.HASH_KEY, 'postback-token', postbackToken),
      signingSecretEnc: await seal(env.SECRETS_KEY, signingSecret),
    },
  };
}
