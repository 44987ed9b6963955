import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoxPublicKey,
  type BoxSecretKey,
  boxPublicKeyFromSecret,
  toBase64Url,
  toHex,
} from '../../../client/src/envelope/index.ts';
import { KEY_FILE_NAME } from './key-file.ts';
import { KeyFileError, WrongPassphraseError, createKeyFile, readKeyFile, unlockCaseKey } from './index.ts';

// scrypt (N = 2^17) takes about half a second per call: this file derives a key five times.
const PASSPHRASE = 'tq4vz-0m7hc-kx2pa-9dj3e-wn5rb-8fy6s';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('the node key file', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backup-keys-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('when created and unlocked with the same passphrase', () => {
    let dir: string;
    let returned: BoxPublicKey;
    let secret: BoxSecretKey;
    let text: string;

    beforeAll(async () => {
      dir = await tempDir();
      returned = await createKeyFile(dir, PASSPHRASE);
      secret = await unlockCaseKey(dir, PASSPHRASE);
      text = await readFile(join(dir, KEY_FILE_NAME), 'utf8');
    }, 30_000);

    it('reads back the public key createKeyFile returned', async () => {
      const file = await readKeyFile(dir);
      expect(file).toBeDefined();
      expect(Buffer.from(file!.casePublicKey)).toEqual(Buffer.from(returned));
      expect(file!.case.publicKey).toBe(toBase64Url(returned));
      expect(file!.v).toBe(1);
    });

    it('unlocks the secret key whose public half is the case public key', async () => {
      const file = await readKeyFile(dir);
      expect(secret).toHaveLength(32);
      expect(Buffer.from(boxPublicKeyFromSecret(secret))).toEqual(Buffer.from(file!.casePublicKey));
    });

    it('writes keys.json readable by the owner only', async () => {
      expect((await stat(join(dir, KEY_FILE_NAME))).mode & 0o777).toBe(0o600);
    });

    it('keeps the secret key out of keys.json in every common encoding', async () => {
      const raw = await readFile(join(dir, KEY_FILE_NAME));
      const bytes = Buffer.from(secret);
      expect(raw.includes(bytes)).toBe(false);
      for (const encoded of [
        toHex(secret),
        toHex(secret).toUpperCase(),
        toBase64Url(secret),
        bytes.toString('base64'),
        bytes.toString('base64').replace(/=+$/, ''),
      ]) {
        expect(text).not.toContain(encoded);
      }
    });

    it('keeps the passphrase out of keys.json', () => {
      expect(text).not.toContain(PASSPHRASE);
      expect(text).not.toContain(PASSPHRASE.replace(/-/g, ''));
      expect(text).not.toContain(Buffer.from(PASSPHRASE).toString('base64url'));
      expect(text).not.toContain(Buffer.from(PASSPHRASE).toString('hex'));
    });

    it('records the scrypt parameters and the wrapping algorithm', () => {
      const file = JSON.parse(text) as { case: { wrapped: { kdf: string; N: number; alg: string } } };
      expect(file.case.wrapped.kdf).toBe('scrypt');
      expect(file.case.wrapped.N).toBeGreaterThanOrEqual(2 ** 17);
      expect(file.case.wrapped.alg).toBe('aes-256-gcm');
    });

    describe('and then unlocked with another passphrase', () => {
      it('throws WrongPassphraseError', async () => {
        const error = await rejection(unlockCaseKey(dir, `${PASSPHRASE}x`));
        expect(error).toBeInstanceOf(WrongPassphraseError);
      }, 15_000);
    });

    describe('and then unlocked with the passphrase inside stray spaces and newlines', () => {
      it('unlocks the same secret', async () => {
        const unlocked = await unlockCaseKey(dir, `  \t${PASSPHRASE}\n `);
        expect(Buffer.from(unlocked)).toEqual(Buffer.from(secret));
      }, 15_000);
    });
  });

  describe('when the passphrase was typed with full-width characters', () => {
    it('is unlocked by its NFKC equivalent', async () => {
      const dir = await tempDir();
      // Full-width letters, digits, space (U+3000) and hyphen; NFKC maps them to ASCII.
      const wide = 'ｂａｃｋｕｐ\u3000１２３－ｐａｓｓ';
      expect(wide.normalize('NFKC')).toBe('backup 123-pass');
      const publicKey = await createKeyFile(dir, wide);
      const unlocked = await unlockCaseKey(dir, 'backup 123-pass');
      expect(Buffer.from(boxPublicKeyFromSecret(unlocked))).toEqual(Buffer.from(publicKey));
    }, 30_000);
  });

  describe('when the data folder has no keys.json', () => {
    it('readKeyFile answers undefined', async () => {
      expect(await readKeyFile(await tempDir())).toBeUndefined();
    });

    it('unlockCaseKey throws KeyFileError', async () => {
      expect(await rejection(unlockCaseKey(await tempDir(), PASSPHRASE))).toBeInstanceOf(KeyFileError);
    });
  });

  describe('when keys.json is damaged', () => {
    const valid = {
      v: 1,
      createdAt: '2026-01-02',
      case: {
        alg: 'x25519',
        publicKey: 'AAAA',
        wrapped: {
          kdf: 'scrypt',
          N: 131072,
          r: 8,
          p: 1,
          salt: 'AAAA',
          alg: 'aes-256-gcm',
          iv: 'AAAA',
          ct: 'AAAA',
          tag: 'AAAA',
        },
      },
    };

    it.each([
      ['is of an unknown version', { ...valid, v: 2 }],
      ['lacks the wrapped key', { ...valid, case: { alg: 'x25519', publicKey: 'AAAA' } }],
      ['has a public key that is not base64url', { ...valid, case: { ...valid.case, publicKey: 'AA+/' } }],
      ['names another KDF', { ...valid, case: { ...valid.case, wrapped: { ...valid.case.wrapped, kdf: 'pbkdf2' } } }],
    ])('throws KeyFileError when it %s', async (_what, content) => {
      const dir = await tempDir();
      await writeFile(join(dir, KEY_FILE_NAME), JSON.stringify(content));
      expect(await rejection(readKeyFile(dir))).toBeInstanceOf(KeyFileError);
    });

    it('throws KeyFileError when it cannot be read at all', async () => {
      const dir = await tempDir();
      await mkdir(join(dir, KEY_FILE_NAME));
      expect(await rejection(readKeyFile(dir))).toBeInstanceOf(KeyFileError);
    });

    it('throws KeyFileError when it is not JSON at all', async () => {
      const dir = await tempDir();
      await writeFile(join(dir, KEY_FILE_NAME), '{"v": 1, "createdAt": "2026-');
      expect(await rejection(readKeyFile(dir))).toBeInstanceOf(KeyFileError);
    });
  });
});
