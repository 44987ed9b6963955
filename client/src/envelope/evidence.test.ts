import { describe, expect, it } from 'vitest';
import { DecryptionError } from './aead.ts';
import { fromBase64Url, randomBytes, toHex, utf8 } from './bytes.ts';
import { createEvidenceEncryptor } from './evidence-encryptor.ts';
import {
  type ByteSource,
  DEFAULT_CHUNK_BYTES,
  EVIDENCE_MAGIC,
  EvidenceFormatError,
  METADATA_BYTES,
} from './evidence-format.ts';
import { openEvidence } from './evidence-opener.ts';
import { SealedBoxError, generateBoxKeyPair, openSealed, seal } from './sealed-box.ts';

const CHUNK = 1024;
const ZERO_HASH = '0'.repeat(64);
const FIXED_HEADER = 104;
const TAG = 16;
const caseKeys = generateBoxKeyPair();

function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    // A copy, as a file read would be: nothing downstream may alias our buffer.
    read: async (offset, length) => bytes.slice(offset, offset + length),
  };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))));
}

/** Deterministic PRNG (mulberry32) so random ranges are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Sealed {
  readonly plain: Uint8Array;
  readonly file: Uint8Array;
  readonly sha256: string;
  readonly metaLength: number;
}

async function sealEvidence(size: number, chunkSize: number | 'default' = CHUNK, name = 'photo.jpg'): Promise<Sealed> {
  const plain = randomBytes(size);
  const sha256 = await sha256Hex(plain);
  const init = { name, type: 'image/jpeg', ...(chunkSize === 'default' ? {} : { chunkSize }) };
  const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, init);
  const file = await encryptor.slice(0, encryptor.size);
  expect(file.length).toBe(encryptor.size);
  return { plain, file, sha256, metaLength: new DataView(file.buffer, file.byteOffset).getUint32(100) };
}

async function readAll(chunks: AsyncGenerator<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function flipped(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= mask;
  return copy;
}

/** Offset of chunk `index`: chunks follow the fixed header; the metadata comes last. */
function chunkOffset(chunkSize: number, index: number): number {
  return FIXED_HEADER + index * (chunkSize + TAG);
}

interface HandBuilt {
  readonly plain: Uint8Array;
  readonly chunkSize?: number;
  /** Metadata JSON as written, before padding; defaults to a well-formed document. */
  readonly metadataJson?: string;
  /** Last-chunk flag for chunk `index` of `count`; defaults to the documented rule. */
  readonly lastFlag?: (index: number, count: number) => number;
}

/** Writes an evidence file from the layout documented in evidence-format.ts, with WebCrypto. */
async function buildByHand(spec: HandBuilt): Promise<Uint8Array> {
  const chunkSize = spec.chunkSize ?? CHUNK;
  const rawKey = new Uint8Array(randomBytes(32));
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const encrypt = async (iv: Uint8Array, data: Uint8Array, aad?: Uint8Array) =>
    new Uint8Array(
      await crypto.subtle.encrypt(
        aad
          ? { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: new Uint8Array(aad) }
          : { name: 'AES-GCM', iv: new Uint8Array(iv) },
        key,
        new Uint8Array(data),
      ),
    );
  const json = utf8(
    spec.metadataJson ??
      JSON.stringify({
        v: 1,
        name: 'hand.bin',
        type: 'application/octet-stream',
        size: spec.plain.length,
        sha256: await sha256Hex(spec.plain),
        salt: 'A'.repeat(43),
      }),
  );
  const metaPlain = new Uint8Array(Math.max(METADATA_BYTES, json.length + 1)).fill(0x20);
  metaPlain.set(json);

  const fixed = new Uint8Array(FIXED_HEADER);
  const view = new DataView(fixed.buffer);
  fixed.set(utf8('BKUPEV\u0000\u0001'), 0);
  fixed.set(seal(rawKey, caseKeys.publicKey), 8);
  view.setUint32(88, chunkSize);
  view.setBigUint64(92, BigInt(spec.plain.length));
  view.setUint32(100, metaPlain.length + TAG);
  const metadataNonce = new Uint8Array(12);
  metadataNonce[11] = 2;
  const parts = [fixed];

  const count = Math.max(1, Math.ceil(spec.plain.length / chunkSize));
  const lastFlag = spec.lastFlag ?? ((index, n) => (index === n - 1 ? 1 : 0));
  for (let index = 0; index < count; index++) {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setBigUint64(3, BigInt(index));
    nonce[11] = lastFlag(index, count);
    parts.push(await encrypt(nonce, spec.plain.subarray(index * chunkSize, (index + 1) * chunkSize)));
  }
  parts.push(await encrypt(metadataNonce, metaPlain, fixed));
  return concat(parts);
}

describe('createEvidenceEncryptor', () => {
  describe('when the file is opened again with the case key', () => {
    it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 7])(
      'gives back all %i bytes with 1 KiB chunks',
      async (size) => {
        const s = await sealEvidence(size);
        const opened = await openEvidence(memorySource(s.file), caseKeys.secretKey);
        const chunks = await readAll(opened.chunks());
        expect(chunks.length).toBe(Math.max(1, Math.ceil(size / CHUNK)));
        chunks.slice(0, -1).forEach((c) => expect(c.length).toBe(CHUNK));
        expect(concat(chunks)).toEqual(s.plain);
      },
    );

    it('gives back the bytes with the default chunk size', async () => {
      const size = 3 * DEFAULT_CHUNK_BYTES + 5;
      const s = await sealEvidence(size, 'default');
      expect(new DataView(s.file.buffer, s.file.byteOffset).getUint32(88)).toBe(256 * 1024);
      const opened = await openEvidence(memorySource(s.file), caseKeys.secretKey);
      const chunks = await readAll(opened.chunks());
      expect(chunks.map((c) => c.length)).toEqual([262144, 262144, 262144, 5]);
      expect(concat(chunks)).toEqual(s.plain);
    });
  });

  describe('the ciphertext size', () => {
    it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 7, 7 * CHUNK])(
      'is header + plaintext + 16 bytes per chunk + metadata (%i bytes)',
      async (size) => {
        const s = await sealEvidence(size);
        const chunkCount = Math.max(1, Math.ceil(size / CHUNK));
        expect(s.metaLength).toBe(METADATA_BYTES + TAG);
        expect(s.file.length).toBe(FIXED_HEADER + s.metaLength + size + chunkCount * TAG);
      },
    );
  });

  describe('the fixed header', () => {
    it('holds the magic, the sealed content key, the chunk size and the plaintext size', async () => {
      const s = await sealEvidence(5 * CHUNK + 7);
      const view = new DataView(s.file.buffer, s.file.byteOffset);
      expect(Array.from(s.file.subarray(0, 8))).toEqual([0x42, 0x4b, 0x55, 0x50, 0x45, 0x56, 0x00, 0x01]);
      expect(EVIDENCE_MAGIC).toEqual(utf8('BKUPEV\u0000\u0001'));
      expect(openSealed(s.file.subarray(8, 88), caseKeys.secretKey).length).toBe(32);
      expect(view.getUint32(88)).toBe(CHUNK);
      expect(view.getUint32(92)).toBe(0);
      expect(view.getUint32(96)).toBe(5 * CHUNK + 7);
      expect(view.getUint32(100)).toBe(s.metaLength);
    });
  });

  describe('the format, decrypted by hand with WebCrypto', () => {
    it('uses nonce 0¹¹‖2 with the fixed header as AAD for metadata, and counter‖last-flag for chunks', async () => {
      const size = 2 * CHUNK + 3;
      const s = await sealEvidence(size);
      const raw = openSealed(s.file.subarray(8, 88), caseKeys.secretKey);
      const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['decrypt']);
      const nonce = (last: number, counter: number) => {
        const n = new Uint8Array(12);
        n[10] = counter;
        n[11] = last;
        return n;
      };
      const decrypt = async (iv: Uint8Array, data: Uint8Array, aad?: Uint8Array) =>
        new Uint8Array(
          await crypto.subtle.decrypt(
            aad
              ? { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: new Uint8Array(aad) }
              : { name: 'AES-GCM', iv: new Uint8Array(iv) },
            key,
            new Uint8Array(data),
          ),
        );

      const meta = await decrypt(
        nonce(2, 0),
        s.file.subarray(s.file.length - s.metaLength),
        s.file.subarray(0, FIXED_HEADER),
      );
      expect(meta.length).toBe(METADATA_BYTES);
      expect(JSON.parse(new TextDecoder().decode(meta))).toMatchObject({ v: 1, size, sha256: s.sha256 });

      const at = (i: number) => chunkOffset(CHUNK, i);
      const c0 = await decrypt(nonce(0, 0), s.file.subarray(at(0), at(1)));
      const c1 = await decrypt(nonce(0, 1), s.file.subarray(at(1), at(2)));
      const c2 = await decrypt(nonce(1, 2), s.file.subarray(at(2), s.file.length - s.metaLength));
      expect(concat([c0, c1, c2])).toEqual(s.plain);
    });
  });

  describe('slice(start, end)', () => {
    it('equals the same range of the whole ciphertext, for random ranges', async () => {
      const size = 5 * CHUNK + 7;
      const plain = randomBytes(size);
      const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
        name: 'video.mp4',
        type: 'video/mp4',
        chunkSize: CHUNK,
      });
      const full = await encryptor.slice(0, encryptor.size);
      const random = prng(0xbac0);
      for (let i = 0; i < 200; i++) {
        const a = Math.floor(random() * (encryptor.size + 1));
        const b = Math.floor(random() * (encryptor.size + 1));
        const [start, end] = a <= b ? [a, b] : [b, a];
        expect(await encryptor.slice(start, end), `[${start}, ${end})`).toEqual(full.subarray(start, end));
      }
    });

    it('equals the whole ciphertext at every header and chunk boundary', async () => {
      const s = await sealEvidence(3 * CHUNK + 1);
      const encryptor = await createEvidenceEncryptor(memorySource(s.plain), caseKeys.publicKey, {
        name: 'a',
        type: 'b',
        chunkSize: CHUNK,
      });
      const full = await encryptor.slice(0, encryptor.size);
      const headerLength = FIXED_HEADER + new DataView(full.buffer, full.byteOffset).getUint32(100);
      const boundaries = [0, FIXED_HEADER, headerLength, encryptor.size];
      for (let i = 1; i <= 3; i++) boundaries.push(headerLength + i * (CHUNK + TAG));
      const points = boundaries.flatMap((p) => [p - 1, p, p + 1]).filter((p) => p >= 0 && p <= encryptor.size);
      for (const start of points) {
        for (const end of points) {
          if (end < start) continue;
          expect(await encryptor.slice(start, end), `[${start}, ${end})`).toEqual(full.subarray(start, end));
        }
      }
    });

    it('reassembles the whole ciphertext from consecutive pieces, as a resumed upload does', async () => {
      const plain = randomBytes(5 * CHUNK + 7);
      const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
        name: 'a',
        type: 'b',
        chunkSize: CHUNK,
      });
      const full = await encryptor.slice(0, encryptor.size);
      for (const step of [1, 100, 777, CHUNK + TAG, 4000]) {
        const pieces: Uint8Array[] = [];
        for (let at = 0; at < encryptor.size; at += step) pieces.push(await encryptor.slice(at, at + step));
        expect(concat(pieces), `step ${step}`).toEqual(full);
      }
      const opened = await openEvidence(memorySource(full), caseKeys.secretKey);
      expect(concat(await readAll(opened.chunks()))).toEqual(plain);
    });

    it('clamps an end past the ciphertext to its size', async () => {
      const plain = randomBytes(CHUNK + 1);
      const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
        name: 'a',
        type: 'b',
        chunkSize: CHUNK,
      });
      const full = await encryptor.slice(0, encryptor.size);
      expect(await encryptor.slice(encryptor.size - 10, encryptor.size + 1000)).toEqual(full.subarray(-10));
      expect((await encryptor.slice(encryptor.size, encryptor.size + 5)).length).toBe(0);
    });

    it.each([
      [-1, 10],
      [10, 9],
    ])('rejects start %i, end %i with RangeError', async (start, end) => {
      const plain = randomBytes(10);
      const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
        name: 'a',
        type: 'b',
        chunkSize: CHUNK,
      });
      await expect(encryptor.slice(start, end)).rejects.toThrow(RangeError);
    });
  });

  describe('when sliced from start to end, as an upload does', () => {
    it('reads every plaintext byte exactly once', async () => {
      const plain = randomBytes(9 * CHUNK + 100);
      const reads: Array<[number, number]> = [];
      const source: ByteSource = {
        size: plain.length,
        read: async (offset, length) => {
          reads.push([offset, length]);
          return plain.slice(offset, offset + length);
        },
      };
      const encryptor = await createEvidenceEncryptor(source, caseKeys.publicKey, {
        name: 'a',
        type: 'b',
        chunkSize: CHUNK,
      });
      for (let at = 0; at < encryptor.size; at += 2500) await encryptor.slice(at, at + 2500);
      const timesRead = new Uint8Array(plain.length);
      for (const [offset, length] of reads) for (let i = offset; i < offset + length; i++) timesRead[i]!++;
      expect(timesRead.every((n) => n === 1)).toBe(true);
    });
  });

  describe('when the same file is encrypted twice', () => {
    it('gives different ciphertexts and different salts', async () => {
      const plain = randomBytes(CHUNK);
      const init = { name: 'a.jpg', type: 'image/jpeg', chunkSize: CHUNK };
      const a = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, init);
      const b = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, init);
      const fileA = await a.slice(0, a.size);
      const fileB = await b.slice(0, b.size);
      expect(a.size).toBe(b.size);
      expect(fileA.subarray(FIXED_HEADER)).not.toEqual(fileB.subarray(FIXED_HEADER));
      const metaA = (await openEvidence(memorySource(fileA), caseKeys.secretKey)).metadata;
      const metaB = (await openEvidence(memorySource(fileB), caseKeys.secretKey)).metadata;
      expect(metaA.salt).not.toBe(metaB.salt);
    });
  });

  describe('when the chunk size is outside 1 KiB to 16 MiB or not whole', () => {
    it.each([0, 512, CHUNK - 1, 1024.5, 16 * 1024 * 1024 + 1, 2 ** 32 + CHUNK])(
      'rejects chunk size %d with RangeError instead of writing a file no one can open',
      async (chunkSize) => {
        const source = memorySource(randomBytes(2000));
        await expect(
          createEvidenceEncryptor(source, caseKeys.publicKey, { name: 'a', type: 'b', chunkSize }),
        ).rejects.toThrow(RangeError);
      },
    );

    it('accepts the bounds themselves', async () => {
      for (const chunkSize of [CHUNK, 16 * 1024 * 1024]) {
        const plain = randomBytes(10);
        const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
          name: 'a',
          type: 'b',
          chunkSize,
        });
        const file = await encryptor.slice(0, encryptor.size);
        const opened = await openEvidence(memorySource(file), caseKeys.secretKey);
        expect(concat(await readAll(opened.chunks()))).toEqual(plain);
      }
    });
  });

  describe('when the source size is not a non-negative safe integer', () => {
    it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects size %d with RangeError', async (size) => {
      const source: ByteSource = { size, read: async () => new Uint8Array(0) };
      await expect(createEvidenceEncryptor(source, caseKeys.publicKey, { name: 'a', type: 'b' })).rejects.toThrow(
        RangeError,
      );
    });
  });
});

describe('openEvidence', () => {
  describe('the metadata', () => {
    it('comes back with name, type, size, SHA-256 and a fresh 32-byte salt', async () => {
      const name = 'صورة — фото 1.jpg';
      const s = await sealEvidence(CHUNK + 1, CHUNK, name);
      const { metadata } = await openEvidence(memorySource(s.file), caseKeys.secretKey);
      expect(metadata).toEqual({
        v: 1,
        name,
        type: 'image/jpeg',
        size: CHUNK + 1,
        sha256: s.sha256,
        salt: metadata.salt,
      });
      expect(metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(metadata.salt).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fromBase64Url(metadata.salt).length).toBe(32);
    });

    it('is padded so a longer file name below 256 bytes does not change the size', async () => {
      const a = await sealEvidence(10, CHUNK, 'a');
      const b = await sealEvidence(10, CHUNK, 'b'.repeat(20));
      expect(a.metaLength).toBe(b.metaLength);
      expect(a.file.length).toBe(b.file.length);
    });
  });

  describe('when the file is truncated', () => {
    it('rejects a file missing its last byte with EvidenceFormatError', async () => {
      const s = await sealEvidence(5 * CHUNK + 7);
      await expect(openEvidence(memorySource(s.file.subarray(0, -1)), caseKeys.secretKey)).rejects.toThrow(
        EvidenceFormatError,
      );
    });

    it('rejects a file missing its whole last chunk and tag with EvidenceFormatError', async () => {
      const s = await sealEvidence(5 * CHUNK);
      const truncated = s.file.subarray(0, chunkOffset(CHUNK, 4));
      await expect(openEvidence(memorySource(truncated), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
    });

    it('rejects a file cut short whose header was rewritten to match with DecryptionError', async () => {
      const s = await sealEvidence(5 * CHUNK);
      const truncated = concat([s.file.subarray(0, chunkOffset(CHUNK, 4)), s.file.subarray(-s.metaLength)]);
      new DataView(truncated.buffer).setUint32(96, 4 * CHUNK);
      await expect(openEvidence(memorySource(truncated), caseKeys.secretKey)).rejects.toThrow(DecryptionError);
    });

    it('rejects a file shorter than the fixed header with EvidenceFormatError', async () => {
      const s = await sealEvidence(10);
      for (const length of [0, 7, 8, FIXED_HEADER - 1]) {
        await expect(openEvidence(memorySource(s.file.subarray(0, length)), caseKeys.secretKey)).rejects.toThrow(
          EvidenceFormatError,
        );
      }
    });
  });

  describe('when the file is extended', () => {
    it('rejects one extra byte with EvidenceFormatError', async () => {
      const s = await sealEvidence(2 * CHUNK + 3);
      const extended = concat([s.file, Uint8Array.of(0)]);
      await expect(openEvidence(memorySource(extended), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
    });

    it('rejects a repeated chunk appended at the end with EvidenceFormatError', async () => {
      const s = await sealEvidence(3 * CHUNK);
      const extended = concat([s.file, s.file.subarray(chunkOffset(CHUNK, 1), chunkOffset(CHUNK, 2))]);
      await expect(openEvidence(memorySource(extended), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
    });
  });

  describe('when two chunks are swapped', () => {
    it('yields the chunks before them, then throws DecryptionError', async () => {
      const s = await sealEvidence(4 * CHUNK + 7);
      const at = (i: number) => chunkOffset(CHUNK, i);
      const swapped = concat([
        s.file.subarray(0, at(1)),
        s.file.subarray(at(2), at(3)),
        s.file.subarray(at(1), at(2)),
        s.file.subarray(at(3)),
      ]);
      expect(swapped.length).toBe(s.file.length);
      const opened = await openEvidence(memorySource(swapped), caseKeys.secretKey);
      const iterator = opened.chunks();
      expect((await iterator.next()).value).toEqual(s.plain.subarray(0, CHUNK));
      await expect(iterator.next()).rejects.toThrow(DecryptionError);
    });

    it('detects the last chunk moved forward', async () => {
      const s = await sealEvidence(4 * CHUNK);
      const at = (i: number) => chunkOffset(CHUNK, i);
      const end = s.file.length - s.metaLength;
      const swapped = concat([
        s.file.subarray(0, at(2)),
        s.file.subarray(at(3), end),
        s.file.subarray(at(2), at(3)),
        s.file.subarray(end),
      ]);
      const opened = await openEvidence(memorySource(swapped), caseKeys.secretKey);
      await expect(readAll(opened.chunks())).rejects.toThrow(DecryptionError);
    });
  });

  describe('when a chunk from another file is spliced in', () => {
    it('throws DecryptionError when iterated', async () => {
      const a = await sealEvidence(3 * CHUNK);
      const b = await sealEvidence(3 * CHUNK);
      expect(a.metaLength).toBe(b.metaLength);
      const at = (i: number) => chunkOffset(CHUNK, i);
      const spliced = concat([a.file.subarray(0, at(1)), b.file.subarray(at(1), at(2)), a.file.subarray(at(2))]);
      const opened = await openEvidence(memorySource(spliced), caseKeys.secretKey);
      await expect(readAll(opened.chunks())).rejects.toThrow(DecryptionError);
    });
  });

  describe('when a byte in the fixed header is flipped', () => {
    it('rejects every position, for both low and high bit flips', async () => {
      const s = await sealEvidence(5 * CHUNK + 7);
      for (const mask of [0x01, 0x80]) {
        for (let at = 0; at < FIXED_HEADER; at++) {
          const expected = at < 8 ? EvidenceFormatError : at < 88 ? SealedBoxError : Error;
          const error = await openEvidence(memorySource(flipped(s.file, at, mask)), caseKeys.secretKey).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `byte ${at}, mask ${mask}`).toBeInstanceOf(expected);
          if (at >= 88) {
            expect(
              [EvidenceFormatError, DecryptionError].some((c) => error instanceof c),
              `byte ${at}`,
            ).toBe(true);
          }
        }
      }
    });
  });

  describe('when a byte in the encrypted metadata is flipped', () => {
    it('rejects with DecryptionError', async () => {
      const s = await sealEvidence(2 * CHUNK);
      const start = s.file.length - s.metaLength;
      for (const at of [start, start + 100, s.file.length - 1]) {
        await expect(openEvidence(memorySource(flipped(s.file, at)), caseKeys.secretKey)).rejects.toThrow(
          DecryptionError,
        );
      }
    });
  });

  describe('when a byte in a chunk is flipped', () => {
    it('opens, then throws DecryptionError when that chunk is reached', async () => {
      const s = await sealEvidence(5 * CHUNK + 7);
      const positions = [
        chunkOffset(CHUNK, 0),
        chunkOffset(CHUNK, 2) + 500,
        chunkOffset(CHUNK, 3) - 1,
        s.file.length - s.metaLength - 1,
      ];
      for (const at of positions) {
        const opened = await openEvidence(memorySource(flipped(s.file, at)), caseKeys.secretKey);
        await expect(readAll(opened.chunks()), `byte ${at}`).rejects.toThrow(DecryptionError);
      }
    });
  });

  describe('when the magic is wrong', () => {
    it('rejects another version number with EvidenceFormatError', async () => {
      const s = await sealEvidence(10);
      const file = s.file.slice();
      file[7] = 0x02;
      await expect(openEvidence(memorySource(file), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
    });

    it('rejects a file that is not evidence at all with EvidenceFormatError', async () => {
      const png = concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), randomBytes(4000)]);
      await expect(openEvidence(memorySource(png), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
    });
  });

  describe('given a file written by hand from the documented layout', () => {
    it('opens it and gives back the metadata and the plaintext', async () => {
      const plain = randomBytes(3 * CHUNK + 10);
      const file = await buildByHand({ plain });
      const opened = await openEvidence(memorySource(file), caseKeys.secretKey);
      expect(opened.metadata).toMatchObject({ v: 1, name: 'hand.bin', size: plain.length });
      expect(concat(await readAll(opened.chunks()))).toEqual(plain);
    });

    it('rejects metadata that disagrees with the header on the size with EvidenceFormatError', async () => {
      const plain = randomBytes(2 * CHUNK);
      const metadataJson = JSON.stringify({
        v: 1,
        name: 'x',
        type: 'y',
        size: plain.length + 1,
        sha256: ZERO_HASH,
        salt: 'A'.repeat(43),
      });
      const file = await buildByHand({ plain, metadataJson });
      await expect(openEvidence(memorySource(file), caseKeys.secretKey)).rejects.toThrow(/disagree on the size/);
    });

    describe('when the uploader wrote metadata of the wrong shape', () => {
      const plain = randomBytes(CHUNK);
      const good = { v: 1, name: 'x', type: 'y', size: plain.length, sha256: ZERO_HASH, salt: 'A'.repeat(43) };
      const cases: [string, unknown][] = [
        ['null', null],
        ['a number', 42],
        ['a name that is not text', { ...good, name: 42 }],
        ['a type that is an object', { ...good, type: { a: 1 } }],
        ['a missing hash', { ...good, sha256: null }],
        ['a short salt', { ...good, salt: 'AAAA' }],
        ['another version', { ...good, v: 2 }],
      ];
      it.each(cases)('rejects %s with EvidenceFormatError', async (_label, metadata) => {
        const file = await buildByHand({ plain, metadataJson: JSON.stringify(metadata) });
        await expect(openEvidence(memorySource(file), caseKeys.secretKey)).rejects.toThrow(EvidenceFormatError);
      });

      it('accepts the same file with well-formed metadata', async () => {
        const file = await buildByHand({ plain, metadataJson: JSON.stringify(good) });
        expect((await openEvidence(memorySource(file), caseKeys.secretKey)).metadata).toEqual(good);
      });
    });

    it('rejects a last chunk without the last-chunk flag with DecryptionError', async () => {
      const plain = randomBytes(3 * CHUNK);
      const file = await buildByHand({ plain, lastFlag: () => 0 });
      const opened = await openEvidence(memorySource(file), caseKeys.secretKey);
      const iterator = opened.chunks();
      expect((await iterator.next()).value).toEqual(plain.subarray(0, CHUNK));
      expect((await iterator.next()).value).toEqual(plain.subarray(CHUNK, 2 * CHUNK));
      await expect(iterator.next()).rejects.toThrow(DecryptionError);
    });

    it('rejects an earlier chunk carrying the last-chunk flag with DecryptionError', async () => {
      const plain = randomBytes(3 * CHUNK);
      const file = await buildByHand({ plain, lastFlag: (index) => (index === 0 ? 1 : index === 2 ? 1 : 0) });
      const opened = await openEvidence(memorySource(file), caseKeys.secretKey);
      await expect(opened.chunks().next()).rejects.toThrow(DecryptionError);
    });
  });

  describe('when a header field is out of range', () => {
    async function withField(at: number, value: number): Promise<Uint8Array> {
      const s = await sealEvidence(10);
      const file = s.file.slice();
      new DataView(file.buffer).setUint32(at, value);
      return file;
    }

    it.each([0, CHUNK - 1, 16 * 1024 * 1024 + 1, 0xffffffff])(
      'rejects chunk size %i with EvidenceFormatError',
      async (value) => {
        await expect(openEvidence(memorySource(await withField(88, value)), caseKeys.secretKey)).rejects.toThrow(
          EvidenceFormatError,
        );
      },
    );

    it.each([0, 16, 64 * 1024 + 1, 0xffffffff])(
      'rejects metadata length %i with EvidenceFormatError',
      async (value) => {
        await expect(openEvidence(memorySource(await withField(100, value)), caseKeys.secretKey)).rejects.toThrow(
          EvidenceFormatError,
        );
      },
    );

    it('rejects a plaintext size beyond 2^53 with EvidenceFormatError', async () => {
      await expect(openEvidence(memorySource(await withField(92, 0x00400000)), caseKeys.secretKey)).rejects.toThrow(
        EvidenceFormatError,
      );
    });
  });

  describe('when opened with another case key', () => {
    it('rejects with SealedBoxError', async () => {
      const s = await sealEvidence(CHUNK + 1);
      await expect(openEvidence(memorySource(s.file), generateBoxKeyPair().secretKey)).rejects.toThrow(SealedBoxError);
    });
  });
});

describe('EvidenceEncryptor.slice', () => {
  const plain = randomBytes(20 * CHUNK);
  const init = async () => ({ name: 'a', type: 'b', sha256: await sha256Hex(plain), chunkSize: CHUNK });

  describe('when a read of the source fails once', () => {
    it('reads again on the next attempt instead of repeating the old error', async () => {
      let failures = 1;
      const flaky: ByteSource = {
        size: plain.length,
        read: async (offset, length) => {
          if (failures-- > 0) throw new Error('transient read error');
          return plain.slice(offset, offset + length);
        },
      };
      const encryptor = await createEvidenceEncryptor(flaky, caseKeys.publicKey, await init());
      await expect(encryptor.slice(0, encryptor.size)).rejects.toThrow('transient read error');
      const file = await encryptor.slice(0, encryptor.size);
      const opened = await openEvidence(memorySource(file), caseKeys.secretKey);
      expect(concat(await readAll(opened.chunks()))).toEqual(plain);
    });
  });

  describe('when two slices are asked for at once', () => {
    it('serves both, as if asked one after the other', async () => {
      const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, await init());
      const whole = await encryptor.slice(0, encryptor.size);
      const cut = Math.floor(encryptor.size / 2) + 7;
      const [early, late] = await Promise.all([encryptor.slice(0, cut), encryptor.slice(cut, encryptor.size)]);
      expect(concat([early, late])).toEqual(whole);
    });
  });
});

describe('EvidenceEncryptor.metadata', () => {
  const plain = randomBytes(9 * CHUNK + 123);

  it('carries the SHA-256 of the file, hashed while it was encrypted in order', async () => {
    const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
      name: 'v.mp4',
      type: 'video/mp4',
      chunkSize: CHUNK,
    });
    for (let at = 0; at < encryptor.size; at += 3000) await encryptor.slice(at, at + 3000);
    expect((await encryptor.metadata()).sha256).toBe(await sha256Hex(plain));
  });

  it('is right too when the upload resumed mid-file, by reading what it had not hashed', async () => {
    let reads = 0;
    const counting: ByteSource = { size: plain.length, read: async (o, l) => (reads++, plain.slice(o, o + l)) };
    const encryptor = await createEvidenceEncryptor(counting, caseKeys.publicKey, {
      name: 'v.mp4',
      type: 'video/mp4',
      chunkSize: CHUNK,
    });
    const tail = await encryptor.slice(Math.floor(encryptor.size / 2), encryptor.size);
    expect(reads).toBeGreaterThan(1);
    const metadata = await encryptor.metadata();
    expect(metadata.sha256).toBe(await sha256Hex(plain));
    const whole = concat([await encryptor.slice(0, Math.floor(encryptor.size / 2)), tail]);
    const opened = await openEvidence(memorySource(whole), caseKeys.secretKey);
    expect(opened.metadata).toEqual(metadata);
    expect(concat(await readAll(opened.chunks()))).toEqual(plain);
  });

  it('shortens a name too long to fit, and the file still opens', async () => {
    const encryptor = await createEvidenceEncryptor(memorySource(plain), caseKeys.publicKey, {
      name: '\u0000'.repeat(5000) + '.jpg',
      type: 'image/jpeg',
      chunkSize: CHUNK,
    });
    const opened = await openEvidence(memorySource(await encryptor.slice(0, encryptor.size)), caseKeys.secretKey);
    expect(opened.metadata.name.length).toBeGreaterThan(0);
    expect(opened.metadata.name.length).toBeLessThanOrEqual(255);
  });
});
