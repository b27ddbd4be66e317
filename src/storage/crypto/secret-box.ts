import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

/**
 * Encrypts a secret for storing (AES-256-GCM, a fresh 12-byte nonce each time). `context` is
 * authenticated but not stored: a sealed value only opens under the same context (the row's key),
 * so one row's ciphertext copied into another row does not decrypt. The result is
 * `v1.<nonce>.<tag>.<ciphertext>`, each part base64.
 */
export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, nonce.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
}

/** The secret `sealSecret` sealed under this key and context; throws when the key, context or value is wrong. */
export function openSecret(key: Buffer, sealed: string, context: string): string {
  const [version, nonce, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || tag === undefined || ciphertext === undefined) throw new Error('stored secret is not in a format Trellis knows');
  const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(nonce, 'base64'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
