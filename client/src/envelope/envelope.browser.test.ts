// The envelope in a real Chromium: the browser's WebCrypto and Blob, not Node's.
import { bytesEqual, equal, ok, rejects } from '../../test-support/assert.ts';
import { describe, it } from '../../test-support/mocha.ts';
import {
  type ByteSource,
  blobSource,
  boxPublicKeyFromSecret,
  createEvidenceEncryptor,
  deriveReceiptKeys,
  fromBase64Url,
  generateBoxKeyPair,
  generateReceiptCode,
  openEvidence,
  openReport,
  openSealed,
  randomBytes,
  receiptVerifier,
  seal,
  sealReport,
  solveProofOfWork,
  toBase64Url,
  toHex,
  utf8,
} from './index.ts';

const MiB = 1024 * 1024;
const caseKeys = generateBoxKeyPair();

async function webSha256(bytes: Uint8Array | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.digest('SHA-256', bytes instanceof ArrayBuffer ? bytes : new Uint8Array(bytes)),
  );
}

/** Our byte arrays are all ArrayBuffer-backed, which Blob's typing wants said. */
function blobOf(parts: readonly Uint8Array[], type = ''): Blob {
  return new Blob(parts as Uint8Array<ArrayBuffer>[], { type });
}

/** Counts what the encryptor asks of the file. */
function counted(source: ByteSource): ByteSource & { readonly total: () => number; readonly largest: () => number } {
  let total = 0;
  let largest = 0;
  return {
    size: source.size,
    read(offset, length) {
      total += length;
      largest = Math.max(largest, length);
      return source.read(offset, length);
    },
    total: () => total,
    largest: () => largest,
  };
}

describe('the envelope in Chromium', () => {
  describe('sealReport', () => {
    it('seals a report that openReport opens to the same document', async () => {
      const document = { v: 1, narrative: 'ما حدث — what happened', answers: [1, 2, 3] };
      const sealed = await sealReport(document, caseKeys.publicKey);
      equal(JSON.stringify(await openReport(sealed, caseKeys.secretKey)), JSON.stringify(document));
    });

    it('does not open with another case key', async () => {
      const sealed = await sealReport({ v: 1 }, caseKeys.publicKey);
      await rejects(() => openReport(sealed, generateBoxKeyPair().secretKey), 'SealedBoxError');
    });
  });

  describe('blobSource', () => {
    const bytes = randomBytes(10_000);
    const source = blobSource(blobOf([bytes]));

    it('reads the slice asked for', async () => {
      equal(source.size, 10_000);
      bytesEqual(await source.read(1234, 5000), bytes.subarray(1234, 6234));
      bytesEqual(await source.read(10_000, 0), new Uint8Array(0));
    });

    it('refuses a read past the end', async () => {
      await rejects(() => source.read(9_000, 1_001), 'RangeError');
    });
  });

  describe('createEvidenceEncryptor over a Blob', () => {
    it('round-trips a 3 MB file through openEvidence, with the SHA-256 of the file', async () => {
      // Made of parts, as a picked File would be backed by disk rather than one JS array.
      const parts = Array.from({ length: 3 }, () => randomBytes(MiB));
      parts.push(randomBytes(12_345));
      const file = blobOf(parts, 'video/mp4');
      const source = counted(blobSource(file));
      const encryptor = await createEvidenceEncryptor(source, caseKeys.publicKey, {
        name: 'clip.mp4',
        type: file.type,
      });

      // Sequential slices of an arbitrary size, as the upload asks for them.
      const ciphertext: Uint8Array[] = [];
      for (let at = 0; at < encryptor.size; at += 700_001) {
        ciphertext.push(await encryptor.slice(at, at + 700_001));
      }
      const stored = blobOf(ciphertext);
      equal(stored.size, encryptor.size);
      equal(source.total(), file.size, 'the file is read exactly once');
      ok(source.largest() <= 2 * MiB, `reads stay small (largest ${source.largest()} bytes)`);

      const expectedHash = toHex(await webSha256(await file.arrayBuffer()));
      equal((await encryptor.metadata()).sha256, expectedHash);
      const opened = await openEvidence(blobSource(stored), caseKeys.secretKey);
      equal(opened.metadata.sha256, expectedHash);
      equal(opened.metadata.name, 'clip.mp4');
      equal(opened.metadata.size, file.size);
      const plain: Uint8Array[] = [];
      for await (const chunk of opened.chunks()) plain.push(chunk);
      bytesEqual(new Uint8Array(await blobOf(plain).arrayBuffer()), new Uint8Array(await file.arrayBuffer()));
    });

    it('detects a flipped ciphertext byte', async () => {
      const file = blobOf([randomBytes(300_000)]);
      const encryptor = await createEvidenceEncryptor(blobSource(file), caseKeys.publicKey, { name: 'a', type: 'b' });
      const stored = await encryptor.slice(0, encryptor.size);
      stored[200_000]! ^= 1;
      const opened = await openEvidence(blobSource(blobOf([stored])), caseKeys.secretKey);
      await rejects(async () => {
        for await (const chunk of opened.chunks()) void chunk;
      }, 'DecryptionError');
    });
  });

  describe('deriveReceiptKeys', () => {
    it('derives the lookup value with HKDF-SHA-256 as the browser computes it', async () => {
      const code = generateReceiptCode();
      const digits = code.replace(/ /g, '');
      const keys = deriveReceiptKeys(code);
      const text = (value: string) => new TextEncoder().encode(value);
      const ikm = await crypto.subtle.importKey('raw', text(digits), 'HKDF', false, ['deriveBits']);
      const params = { name: 'HKDF', hash: 'SHA-256', salt: text('backup receipt v1'), info: text('lookup') };
      bytesEqual(keys.lookup, new Uint8Array(await crypto.subtle.deriveBits(params, ikm, 256)));
      bytesEqual(receiptVerifier(keys.lookup), await webSha256(keys.lookup));
    });

    it('gives the same reply key pair for the same code, typed differently', () => {
      const code = generateReceiptCode();
      const a = deriveReceiptKeys(code);
      const b = deriveReceiptKeys(code.replace(/ /g, '-'));
      bytesEqual(a.replyPublicKey, b.replyPublicKey);
      bytesEqual(boxPublicKeyFromSecret(a.replySecretKey), a.replyPublicKey);
      bytesEqual(openSealed(seal(utf8('reply'), a.replyPublicKey), b.replySecretKey), utf8('reply'));
    });
  });

  describe('solveProofOfWork', () => {
    it('finds a nonce whose documented hash has the leading zero bits asked for', async () => {
      const seed = randomBytes(32);
      const body = utf8('{"v":1}');
      const header = await solveProofOfWork({ seed: toBase64Url(seed), difficulty: 10 }, seed, body);
      const [seedText, nonceHex] = header.split('.');
      bytesEqual(fromBase64Url(seedText!), seed);
      const nonce = Uint8Array.from(nonceHex!.match(/../g)!, (h) => parseInt(h, 16));
      const preimage = blobOf([utf8('backup pow v1'), seed, await webSha256(body), nonce]);
      const hash = await webSha256(await preimage.arrayBuffer());
      equal(hash[0], 0);
      ok(hash[1]! < 0x40, `second byte ${hash[1]} has two leading zero bits`);
    });
  });
});
