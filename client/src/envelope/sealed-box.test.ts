import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import vectors from '../../../test/vectors/sealed-box/libsodium.json' with { type: 'json' };
import { randomBytes, utf8 } from './bytes.ts';
import {
  KeyLengthError,
  SEAL_OVERHEAD_BYTES,
  SealedBoxError,
  asBoxPublicKey,
  asBoxSecretKey,
  boxPublicKeyFromSecret,
  generateBoxKeyPair,
  openSealed,
  seal,
} from './sealed-box.ts';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= mask;
  return copy;
}

const MESSAGE_LENGTHS = [0, 1, 16, 32, 33, 1000, 5000];

beforeAll(async () => {
  await sodium.ready;
});

describe('seal', () => {
  describe("when opened by libsodium's crypto_box_seal_open", () => {
    it.each(MESSAGE_LENGTHS)('gives back a %i-byte message', (length) => {
      const recipient = sodium.crypto_box_keypair();
      const message = randomBytes(length);
      const sealed = seal(message, asBoxPublicKey(recipient.publicKey));
      expect(sodium.crypto_box_seal_open(sealed, recipient.publicKey, recipient.privateKey)).toEqual(message);
    });
  });

  it('adds exactly the 48-byte overhead of crypto_box_seal', () => {
    const { publicKey } = generateBoxKeyPair();
    for (const length of MESSAGE_LENGTHS) {
      const message = randomBytes(length);
      expect(seal(message, publicKey).length).toBe(length + SEAL_OVERHEAD_BYTES);
      expect(sodium.crypto_box_seal(message, publicKey).length).toBe(length + SEAL_OVERHEAD_BYTES);
    }
  });

  describe('when the same message is sealed twice', () => {
    it('uses a fresh ephemeral key each time', () => {
      const { publicKey } = generateBoxKeyPair();
      const message = utf8('same message');
      const a = seal(message, publicKey);
      const b = seal(message, publicKey);
      expect(a.subarray(0, 32)).not.toEqual(b.subarray(0, 32));
      expect(a).not.toEqual(b);
    });
  });

  describe('when the recipient key is not 32 bytes', () => {
    it.each([0, 31, 33, 64])('throws KeyLengthError for %i bytes', (length) => {
      expect(() => seal(utf8('x'), new Uint8Array(length) as never)).toThrow(KeyLengthError);
    });
  });
});

describe('openSealed', () => {
  describe("given a box made by libsodium's crypto_box_seal", () => {
    it.each(MESSAGE_LENGTHS)('opens a %i-byte message', (length) => {
      const { publicKey, secretKey } = generateBoxKeyPair();
      const message = randomBytes(length);
      const sealed = sodium.crypto_box_seal(message, publicKey);
      expect(openSealed(sealed, secretKey)).toEqual(message);
    });
  });

  describe('given the committed libsodium known-answer vectors', () => {
    const secretKey = asBoxSecretKey(hex(vectors.recipient.secret_key_hex));

    it('derives the same public key from the secret key as libsodium', () => {
      expect(boxPublicKeyFromSecret(secretKey)).toEqual(hex(vectors.recipient.public_key_hex));
    });

    it.each(vectors.vectors)('opens the $comment vector', ({ message_hex, sealed_hex }) => {
      expect(openSealed(hex(sealed_hex), secretKey)).toEqual(hex(message_hex));
    });

    describe('when any byte of a vector is flipped', () => {
      it('rejects with SealedBoxError', () => {
        const sealed = hex(vectors.vectors[0]!.sealed_hex);
        for (let at = 0; at < sealed.length; at++) {
          expect(() => openSealed(flipped(sealed, at), secretKey), `byte ${at}`).toThrow(SealedBoxError);
        }
      });
    });
  });

  describe('when the box was sealed to another key', () => {
    it('rejects with SealedBoxError', () => {
      const intended = generateBoxKeyPair();
      const other = generateBoxKeyPair();
      const sealed = seal(utf8('for the caseworker only'), intended.publicKey);
      expect(() => openSealed(sealed, other.secretKey)).toThrow(SealedBoxError);
      expect(openSealed(sealed, intended.secretKey)).toEqual(utf8('for the caseworker only'));
    });
  });

  describe('when the box is shorter than the 48-byte overhead', () => {
    it.each([0, 1, 32, 47])('rejects %i bytes with SealedBoxError', (length) => {
      const { secretKey } = generateBoxKeyPair();
      expect(() => openSealed(randomBytes(length), secretKey)).toThrow(SealedBoxError);
    });

    it('rejects a real box with its last byte cut off', () => {
      const { publicKey, secretKey } = generateBoxKeyPair();
      const sealed = seal(new Uint8Array(0), publicKey);
      expect(sealed.length).toBe(SEAL_OVERHEAD_BYTES);
      expect(() => openSealed(sealed.subarray(0, SEAL_OVERHEAD_BYTES - 1), secretKey)).toThrow(SealedBoxError);
    });
  });

  describe('when a byte of the box was flipped', () => {
    it('rejects with SealedBoxError wherever the byte is', () => {
      const { publicKey, secretKey } = generateBoxKeyPair();
      const sealed = seal(utf8('flip me'), publicKey);
      for (let at = 0; at < sealed.length; at++) {
        expect(() => openSealed(flipped(sealed, at, 0x80), secretKey), `byte ${at}`).toThrow(SealedBoxError);
      }
    });
  });

  describe('when the box is extended by a byte', () => {
    it('rejects with SealedBoxError', () => {
      const { publicKey, secretKey } = generateBoxKeyPair();
      const sealed = seal(utf8('message'), publicKey);
      const extended = new Uint8Array(sealed.length + 1);
      extended.set(sealed);
      expect(() => openSealed(extended, secretKey)).toThrow(SealedBoxError);
    });
  });

  describe('when the secret key is not 32 bytes', () => {
    it.each([0, 31, 33, 64])('throws KeyLengthError for %i bytes', (length) => {
      const { publicKey } = generateBoxKeyPair();
      const sealed = seal(utf8('x'), publicKey);
      expect(() => openSealed(sealed, new Uint8Array(length) as never)).toThrow(KeyLengthError);
    });
  });
});

describe('asBoxPublicKey', () => {
  it('accepts 32 bytes and returns them unchanged', () => {
    const bytes = randomBytes(32);
    expect(asBoxPublicKey(bytes)).toBe(bytes);
  });

  it.each([0, 31, 33])('throws KeyLengthError for %i bytes', (length) => {
    expect(() => asBoxPublicKey(new Uint8Array(length))).toThrow(KeyLengthError);
  });
});

describe('asBoxSecretKey', () => {
  it('accepts 32 bytes and returns them unchanged', () => {
    const bytes = randomBytes(32);
    expect(asBoxSecretKey(bytes)).toBe(bytes);
  });

  it.each([0, 31, 33])('throws KeyLengthError for %i bytes', (length) => {
    expect(() => asBoxSecretKey(new Uint8Array(length))).toThrow(KeyLengthError);
  });
});

describe('boxPublicKeyFromSecret', () => {
  it("agrees with libsodium's crypto_scalarmult_base", () => {
    const { publicKey, secretKey } = generateBoxKeyPair();
    expect(boxPublicKeyFromSecret(secretKey)).toEqual(publicKey);
    expect(sodium.crypto_scalarmult_base(secretKey)).toEqual(publicKey);
  });
});
