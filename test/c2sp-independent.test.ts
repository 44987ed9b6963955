// The independent signed-note / checkpoint / cosignature / witness / tlog-proof code in
// test/support/c2sp, proved against the published examples before it is trusted to
// cross-check federation/. Sources: github.com/C2SP/C2SP signed-note.md, tlog-checkpoint.md,
// tlog-cosignature.md, tlog-witness.md, tlog-proof.md; golang.org/x/mod sumdb/note
// example_test.go; github.com/transparency-dev/formats note/note_cosigv1_test.go.
import { verify, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  cosign,
  cosignatureTimestamp,
  cosignedMessage,
  fromBase64,
  makeNoteKey,
  parseCosignatureBlob,
  parseSignedNote,
  parseVerifierKey,
  signNote,
  toHex,
  verifyNote,
} from './support/c2sp/index.ts';

// golang.org/x/mod/sumdb/note example_test.go (ExampleSign, ExampleOpen).
const NEUMANN_SKEY_MATERIAL = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // 0x01 || Ed25519 seed
const NEUMANN_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const NEUMANN_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NEUMANN_NOTE = `${NEUMANN_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const neumannSeed = fromBase64(NEUMANN_SKEY_MATERIAL).slice(1);

// c2sp.org/signed-note, the opening example.
const SALVATORE_NOTE =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
  '— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

// c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature, the opening examples.
const SOFA_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SOFA_LOG_LINE =
  '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
const SOFA_WITNESS_SIG =
  'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';

describe('parseVerifierKey', () => {
  it('accepts the sumdb/note example key and recomputes its key ID', () => {
    const key = parseVerifierKey(NEUMANN_VKEY);
    expect(key).toMatchObject({ name: 'PeterNeumann', type: SIG_TYPE_ED25519 });
    expect(toHex(key.keyId)).toBe('c74f20a3');
    expect(key.publicKey).toHaveLength(32);
  });

  it('accepts a native cosignature/v1 (type 0x04) key and a key whose base64 holds a +', () => {
    // transparency-dev/formats note_cosigv1_test.go, TestCoSigV1NewVerifier.
    expect(parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2').type).toBe(0x04);
    expect(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
  });

  describe('when the key is malformed or its ID does not match', () => {
    it.each([
      ['a zero key ID', 'PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['another name', 'PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['type 0x04 under a type 0x01 key ID', 'PeterNeumann+c74f20a3+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['an ECDSA key', 'rekor.sigstore.dev+12345678+AwEB'],
      ['two parts only', 'bananas.sigstore.dev+12344556'],
      ['a short key ID', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['an empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['a name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
      ['base64 that is not', 'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!'],
    ])('rejects %s', (_label, vkey) => {
      expect(() => parseVerifierKey(vkey)).toThrow();
    });
  });

  it('gives one Ed25519 key different key IDs as type 0x01 and type 0x04', () => {
    const plain = makeNoteKey('PeterNeumann', SIG_TYPE_ED25519, neumannSeed);
    const cosigner = makeNoteKey('PeterNeumann', SIG_TYPE_COSIGNATURE_V1, neumannSeed);
    expect(plain.vkey).toBe(NEUMANN_VKEY);
    expect(cosigner.publicKey).toEqual(plain.publicKey);
    expect(toHex(cosigner.keyId)).not.toBe(toHex(plain.keyId));
    expect(parseVerifierKey(cosigner.vkey).type).toBe(0x04);
  });
});

describe('verifyNote', () => {
  it('verifies the sumdb/note example note', () => {
    expect(verifyNote(NEUMANN_NOTE, [NEUMANN_VKEY])).toEqual({
      text: NEUMANN_TEXT,
      verifiedBy: ['PeterNeumann'],
      failedBy: [],
    });
  });

  it('ignores signatures from unknown keys, even one sharing the name', () => {
    const namesake = makeNoteKey('PeterNeumann');
    const stranger = makeNoteKey('example.com/other');
    expect(verifyNote(NEUMANN_NOTE, [namesake.vkey, stranger.vkey])).toMatchObject({ verifiedBy: [], failedBy: [] });
  });

  it('reports a known key whose signature does not cover the text', () => {
    const forged = NEUMANN_NOTE.replace('cryptography', 'cryptograph!');
    expect(verifyNote(forged, [NEUMANN_VKEY])).toMatchObject({ verifiedBy: [], failedBy: ['PeterNeumann'] });
  });

  it('splits the signed-note spec example at its last empty line', () => {
    const { text, signatures } = parseSignedNote(SALVATORE_NOTE);
    expect(text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
    expect(signatures).toHaveLength(1);
    expect(signatures[0]?.name).toBe('quasimodo.example/salvatore');
    expect(signatures[0]?.blob).toHaveLength(4 + 64);
    expect(verifyNote(SALVATORE_NOTE, [NEUMANN_VKEY]).verifiedBy).toEqual([]);
  });

  it('accepts sixteen signatures', () => {
    const keys = Array.from({ length: 16 }, (_, i) => makeNoteKey(`example.com/k${String(i)}`));
    const note = signNote('sixteen\n', keys);
    expect(
      verifyNote(
        note,
        keys.map((k) => k.vkey),
      ).verifiedBy,
    ).toHaveLength(16);
  });

  describe('when the note is malformed', () => {
    const sig = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
    it.each([
      ['no final newline', NEUMANN_NOTE.slice(0, -1)],
      ['no empty line', `${NEUMANN_TEXT}— PeterNeumann ${sig}\n`],
      ['no signature line', `${NEUMANN_TEXT}\n`],
      ['a tab', NEUMANN_NOTE.replace('If you', 'If\tyou')],
      ['a carriage return', NEUMANN_NOTE.replace('\n\n', '\r\n\n')],
      ['a hyphen for the em dash', NEUMANN_NOTE.replace('—', '--')],
      ['a + in the key name', NEUMANN_NOTE.replace('PeterNeumann', 'Peter+Neumann')],
      ['an extra field', NEUMANN_NOTE.replace(`${sig}`, `${sig} more`)],
      ['unpadded base64', NEUMANN_NOTE.replace(`${sig}`, sig.slice(0, -1))],
      ['a four-byte signature', `${NEUMANN_TEXT}\n— PeterNeumann x08go/w==\n`],
      ['101 signatures', `${NEUMANN_TEXT}\n${`— PeterNeumann ${sig}\n`.repeat(101)}`],
      ['invalid UTF-8', Uint8Array.of(0xff, 0x0a, 0x0a, 0x0a)],
    ])('throws on %s', (_label, note) => {
      expect(() => verifyNote(note, [NEUMANN_VKEY])).toThrow();
    });
  });
});

describe('signNote', () => {
  it('reproduces the sumdb/note example byte for byte from its published private key', () => {
    expect(signNote(NEUMANN_TEXT, [makeNoteKey('PeterNeumann', SIG_TYPE_ED25519, neumannSeed)])).toBe(NEUMANN_NOTE);
  });

  it('refuses text without a final newline or with control characters', () => {
    const key = makeNoteKey('example.com/log');
    expect(() => signNote('no newline', [key])).toThrow();
    expect(() => signNote('bell\u0007\n', [key])).toThrow();
  });
});

describe('cosignature/v1', () => {
  it("carries, in the spec example's witness line, the time of the spec's example signed message", () => {
    const blob = parseCosignatureBlob(fromBase64(SOFA_WITNESS_SIG));
    expect(toHex(blob.keyId)).toBe('8d66cf3f');
    expect(blob.timestamp).toBe(1679315147n);
    const message =
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(Buffer.from(cosignedMessage(SOFA_TEXT, blob.timestamp)).toString('utf8')).toBe(message);
  });

  it('reads the timestamp of the transparency-dev/formats vector', () => {
    const sig =
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
    expect(parseCosignatureBlob(fromBase64(sig)).timestamp).toBe(1727964367n);
    expect(() => parseCosignatureBlob(fromBase64(NEUMANN_NOTE.split(' ').pop()?.trim() ?? ''))).toThrow();
  });

  const witness = makeNoteKey('witness.example/w1', SIG_TYPE_COSIGNATURE_V1, neumannSeed);
  const withExtension = `${SOFA_TEXT}extension line\n`;

  it('signs "cosignature/v1", the time line and the whole note text, as the spec spells it', () => {
    const line = cosign(withExtension, witness, 1700000000);
    const blob = fromBase64(line.trimEnd().split(' ')[2] ?? '');
    expect(blob.slice(0, 4)).toEqual(witness.keyId);
    expect(Buffer.from(blob).readBigUInt64BE(4)).toBe(1700000000n);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), witness.publicKey]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.from(`cosignature/v1\ntime 1700000000\n${withExtension}`, 'utf8');
    expect(verify(null, message, key, blob.slice(12))).toBe(true);
    const note = `${withExtension}\n${SOFA_LOG_LINE}${line}`;
    expect(verifyNote(note, [witness.vkey]).verifiedBy).toEqual(['witness.example/w1']);
    expect(cosignatureTimestamp(note, witness.vkey)).toBe(1700000000);
  });

  it('covers extension lines', () => {
    const note = `${withExtension}\n${cosign(withExtension, witness, 1700000000)}`;
    const tampered = note.replace('extension line', 'extension lime');
    expect(verifyNote(tampered, [witness.vkey])).toMatchObject({ verifiedBy: [], failedBy: ['witness.example/w1'] });
    expect(() => cosignatureTimestamp(tampered, witness.vkey)).toThrow();
  });

  it('is not a plain Ed25519 note signature, nor the other way round', () => {
    const plain = makeNoteKey('witness.example/w1', SIG_TYPE_ED25519, neumannSeed);
    const cosigned = `${SOFA_TEXT}\n${cosign(SOFA_TEXT, witness, 1700000000)}`;
    expect(verifyNote(cosigned, [plain.vkey]).verifiedBy).toEqual([]);
    // A type-0x01 signature squeezed into a cosignature blob must fail: the message differs.
    const forged = Buffer.concat([witness.keyId, Buffer.alloc(8), plain.sign(new TextEncoder().encode(SOFA_TEXT))]);
    const note = `${SOFA_TEXT}\n— witness.example/w1 ${forged.toString('base64')}\n`;
    expect(verifyNote(note, [witness.vkey])).toMatchObject({ verifiedBy: [], failedBy: ['witness.example/w1'] });
  });

  it('rejects a timestamp past 2^63 - 1', () => {
    expect(() => cosign(SOFA_TEXT, witness, 1n << 63n)).toThrow();
    const blob = Buffer.concat([witness.keyId, Buffer.from('8000000000000000', 'hex'), Buffer.alloc(64)]);
    expect(() => parseCosignatureBlob(blob)).toThrow();
  });
});
