// Encryption at rest for secrets Relais must use again (partners' signing secrets): AES-GCM.
import { fromBase64Url, toBase64Url } from './ids';
import { refuseEmptyKey } from './settings';

const keys = new Map<string, Promise<CryptoKey>>();

function aesKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    // The AES key is SHA-256 of the secret: an empty one would seal every partner secret under a public key.
    refuseEmptyKey(secret, 'secret-box');
    key = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(secret))
      .then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    keys.set(secret, key);
  }
  return key;
}

/** Encrypts `plain` under `secret`; the result is `v1.<iv>.<ciphertext>` in base64url. */
export async function seal(secret: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await aesKey(secret),
    new TextEncoder().encode(plain),
  );
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(data))}`;
}

/** Decrypts what `seal` produced; throws when the text was altered or the key is wrong. */
export async function open(secret: string, sealed: string): Promise<string> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('unknown sealed format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(iv) },
    await aesKey(secret),
    fromBase64Url(data),
  );
  return new TextDecoder().decode(plain);
}
