import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type BoxPublicKey,
  type BoxSecretKey,
  asBoxPublicKey,
  asBoxSecretKey,
  fromBase64Url,
  generateBoxKeyPair,
  toBase64Url,
  utf8,
  wipe,
} from '../../../client/src/envelope/index.ts';
import { writeFileDurably } from '../store/files.ts';
import { normalisePassphrase } from './passphrase.ts';

export const KEY_FILE_NAME = 'keys.json';
// OWASP's minimum for scrypt: N = 2^17, r = 8, p = 1 (128 MiB, about half a second here).
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const WRAP_AAD = utf8('backup case key wrap v1');

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
}

const b64 = z.string().regex(/^[A-Za-z0-9_-]+$/);
const KeyFileSchema = z.object({
  v: z.literal(1),
  createdAt: z.string(),
  case: z.object({
    alg: z.literal('x25519'),
    publicKey: b64,
    wrapped: z.object({
      kdf: z.literal('scrypt'),
      N: z.number().int().positive(),
      r: z.number().int().positive(),
      p: z.number().int().positive(),
      salt: b64,
      alg: z.literal('aes-256-gcm'),
      iv: b64,
      ct: b64,
      tag: b64,
    }),
  }),
});

export type NodeKeyFile = z.infer<typeof KeyFileSchema>;

function deriveWrappingKey(passphrase: string, salt: Uint8Array, params: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(normalisePassphrase(passphrase), salt, 32, { ...params, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function createKeyFile(dataDir: string, passphrase: string): Promise<BoxPublicKey> {
  const { publicKey, secretKey } = generateBoxKeyPair();
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = await deriveWrappingKey(passphrase, salt, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(WRAP_AAD);
  const ct = Buffer.concat([cipher.update(secretKey), cipher.final()]);
  wipe(kek, secretKey);
  const file: NodeKeyFile = {
    v: 1,
    createdAt: new Date().toISOString().slice(0, 10),
    case: {
      alg: 'x25519',
      publicKey: toBase64Url(publicKey),
      wrapped: {
        kdf: 'scrypt',
        ...SCRYPT,
        salt: toBase64Url(salt),
        alg: 'aes-256-gcm',
        iv: toBase64Url(iv),
        ct: toBase64Url(ct),
        tag: toBase64Url(cipher.getAuthTag()),
      },
    },
  };
  await writeFileDurably(join(dataDir, KEY_FILE_NAME), `${JSON.stringify(file, null, 2)}\n`);
  return publicKey;
}

/** Returns undefined when the node has no keys yet (first start). */
export async function readKeyFile(
  dataDir: string,
): Promise<(NodeKeyFile & { casePublicKey: BoxPublicKey }) | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, KEY_FILE_NAME), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyFileError(`cannot read ${KEY_FILE_NAME}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new KeyFileError(`${KEY_FILE_NAME} is damaged: it is not JSON`, { cause });
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) throw new KeyFileError(`${KEY_FILE_NAME} is damaged or of an unknown version`);
  return { ...parsed.data, casePublicKey: asBoxPublicKey(fromBase64Url(parsed.data.case.publicKey)) };
}

/** The case secret key, for admin tools. Wipe it when done. */
export async function unlockCaseKey(dataDir: string, passphrase: string): Promise<BoxSecretKey> {
  const file = await readKeyFile(dataDir);
  if (!file) throw new KeyFileError(`no ${KEY_FILE_NAME} in ${dataDir}: has this node ever started?`);
  const w = file.case.wrapped;
  const kek = await deriveWrappingKey(passphrase, fromBase64Url(w.salt), w);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, fromBase64Url(w.iv)).setAAD(WRAP_AAD);
    decipher.setAuthTag(fromBase64Url(w.tag));
    const secret = Buffer.concat([decipher.update(fromBase64Url(w.ct)), decipher.final()]);
    const copy = new Uint8Array(secret);
    wipe(secret);
    return asBoxSecretKey(copy);
  } catch (cause) {
    throw new WrongPassphraseError('the admin passphrase does not unlock this node’s case key', { cause });
  } finally {
    wipe(kek);
  }
}
