import { describe, expect, it } from 'vitest';
import { ED25519_SEED_BYTES } from '../crypto/index.ts';
import { nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import { portableEd25519Verify } from '../crypto/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  NoteError,
  UnverifiedNoteError,
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  fromBase64,
  noteSigner,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  readTimestamp,
  signNote,
  withSignatures,
} from './index.ts';

const verify = nodeEd25519Verify();

// The example key and note of the reference implementation (golang.org/x/mod/sumdb/note,
// package documentation), which C2SP signed-note specifies.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

// The example of c2sp.org/tlog-cosignature: the checkpoint and a witness's cosignature line.
const COSIGNED_EXAMPLE = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==
`;

function peterSigner() {
  const k = parseSignerKey(PETER_SKEY);
  return noteSigner(k.name, ED25519_KEY_TYPE, nodeEd25519Signer(k.key));
}

describe('signed notes (C2SP signed-note)', () => {
  it('verifies the reference example with node:crypto and with tweetnacl', () => {
    for (const v of [verify, portableEd25519Verify]) {
      const note = openNote(PETER_NOTE, [parseVerifierKey(PETER_VKEY, v)]);
      expect(note.text).toBe(PETER_TEXT);
      expect(note.verified.map((s) => s.verifier.name)).toEqual(['PeterNeumann']);
    }
  });
  it('signs the reference example byte for byte from its signer key', () => {
    const signer = peterSigner();
    expect(signNote(PETER_TEXT, [signer])).toBe(PETER_NOTE);
    expect(formatVerifierKey('PeterNeumann', ED25519_KEY_TYPE, signer.publicKey)).toBe(PETER_VKEY);
    expect(formatSignerKey('PeterNeumann', ED25519_KEY_TYPE, signer.publicKey, parseSignerKey(PETER_SKEY).key)).toBe(
      PETER_SKEY,
    );
  });
  it('rejects a note whose text changed by one byte', () => {
    const tampered = PETER_NOTE.replace('answer', 'answeR');
    expect(() => openNote(tampered, [parseVerifierKey(PETER_VKEY, verify)])).toThrow(NoteError);
  });
  it('ignores signatures by unknown keys, and refuses a note no trusted key signed', () => {
    const other = noteSigner('other.example/log', ED25519_KEY_TYPE, nodeEd25519Signer(new Uint8Array(32).fill(7)));
    const note = withSignatures(PETER_NOTE, [signNote(PETER_TEXT, [other]).split('\n\n')[1]!.trimEnd()]);
    expect(openNote(note, [parseVerifierKey(PETER_VKEY, verify)]).verified).toHaveLength(1);
    expect(() => openNote(PETER_NOTE, [parseVerifierKey(formatVerifierKey('x', 1, other.publicKey), verify)])).toThrow(
      UnverifiedNoteError,
    );
  });
  it('keeps one line per key when a key signs again', () => {
    const seed = new Uint8Array(32).fill(5);
    const at = (t: number) => noteSigner('w.example/w', COSIGNATURE_V1_KEY_TYPE, nodeEd25519Signer(seed), () => t);
    const line = (t: number) =>
      signNote(PETER_TEXT, [at(t)])
        .split('\n\n')[1]!
        .trimEnd();
    let note = withSignatures(PETER_NOTE, [line(1)]);
    for (let t = 2; t < 150; t++) note = withSignatures(note, [line(t)]);
    expect(parseNote(note).signatures).toHaveLength(2);
    expect(note).toContain(line(149));
  });
  it('refuses a verifier key with a wrong key ID', () => {
    expect(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'c74f20a4'), verify)).toThrow(NoteError);
  });
  it.each([
    ['no blank line', PETER_TEXT],
    ['no final newline', PETER_NOTE.trimEnd()],
    ['a control character', PETER_NOTE.replace('answer', 'ans\u0007wer')],
    ['a key name with a plus', PETER_NOTE.replace('— PeterNeumann', '— Peter+Neumann')],
    ['a signature that is not base64', PETER_NOTE.replace('x08go', 'x08g!')],
    ['a line without the em dash', PETER_NOTE.replace('— ', '- ')],
    ['too many signatures', `${PETER_TEXT}\n${'— a AAAAAAA=\n'.repeat(101)}`],
  ])('refuses a malformed note: %s', (_, text) => {
    expect(() => parseNote(text)).toThrow(NoteError);
  });
});

describe('cosignatures (C2SP tlog-cosignature, cosignature/v1)', () => {
  it('reads the timestamp of the specification example', () => {
    const note = parseNote(COSIGNED_EXAMPLE);
    const witness = note.signatures.find((s) => s.name === 'witness.example.com/w1')!;
    expect(witness.signature).toHaveLength(72);
    expect(readTimestamp(witness.signature)).toBe(1679315147);
  });
  it('verifies a cosignature made over the checkpoint and the time, and not over another time', () => {
    const seed = new Uint8Array(ED25519_SEED_BYTES).fill(3);
    const cosigner = noteSigner(
      'witness.example/w1',
      COSIGNATURE_V1_KEY_TYPE,
      nodeEd25519Signer(seed),
      () => 1679315147,
    );
    const text = parseNote(COSIGNED_EXAMPLE).text;
    const cosigned = signNote(text, [cosigner]);
    const vkey = formatVerifierKey('witness.example/w1', COSIGNATURE_V1_KEY_TYPE, cosigner.publicKey);
    expect(openNote(cosigned, [parseVerifierKey(vkey, verify)]).verified).toHaveLength(1);
    // The same key as a plain note key (type 0x01) has another key ID: the line is not its.
    const asNoteKey = formatVerifierKey('witness.example/w1', ED25519_KEY_TYPE, cosigner.publicKey);
    expect(() => openNote(cosigned, [parseVerifierKey(asNoteKey, verify)])).toThrow(UnverifiedNoteError);
    const sig = fromBase64(cosigned.split(' ').at(-1)!.trim());
    sig[11] = sig[11]! ^ 1; // the last timestamp byte
    const other = cosigned.replace(/ [^ ]+\n$/, ` ${Buffer.from(sig).toString('base64')}\n`);
    expect(() => openNote(other, [parseVerifierKey(vkey, verify)])).toThrow(NoteError);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  it('parses the specification example', () => {
    const c = parseCheckpoint(parseNote(COSIGNED_EXAMPLE).text);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(Buffer.from(c.root).toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(formatCheckpoint(c)).toBe(parseNote(COSIGNED_EXAMPLE).text);
  });
  it.each([
    ['a leading zero', 'o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['a negative size', 'o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['a short root', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n'],
    ['an empty origin', '\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['two lines', 'o\n1\n'],
    ['an empty extension line', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nx\n'],
    ['a size past 2^53', 'o\n9007199254740993\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(NoteError);
  });
});
