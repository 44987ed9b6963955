import Database from 'better-sqlite3';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import {
  type HashReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOfLeafHashes,
  verifyInclusion,
} from '../merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type NoteSigner,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  openNote,
  parseVerifierKey,
  signNote,
  withSignatures,
} from '../note/index.ts';
import {
  AddCheckpointRequestError,
  CosignatureRequestError,
  MAX_ADD_CHECKPOINT_BODY_BYTES,
  type Witness,
  type WitnessResponse,
  WitnessStoreError,
  type WitnessStore,
  cosignatureLines,
  createWitness,
  formatAddCheckpointRequest,
  openWitnessStore,
  parseAddCheckpointRequest,
  requestCosignature,
} from './index.ts';

const verify = nodeEd25519Verify();
const seed = (n: number) => new Uint8Array(32).fill(n);
const ORIGIN = 'example.org/log';
const logSigner = noteSigner(ORIGIN, ED25519_KEY_TYPE, nodeEd25519Signer(seed(1)));
const logVkey = formatVerifierKey(ORIGIN, ED25519_KEY_TYPE, logSigner.publicKey);
const WITNESS_NAME = 'witness.example/w1';
const TIME = 1_700_000_000;
const witnessEd = nodeEd25519Signer(seed(2));
const witnessSigner = noteSigner(WITNESS_NAME, COSIGNATURE_V1_KEY_TYPE, witnessEd, () => TIME);
const utf8 = (s: string) => new TextEncoder().encode(s);
const textOf = (r: { body: Uint8Array }) => new TextDecoder().decode(r.body);
/** The signature line(s) with one base64 character of the first signature changed. */
const flip = (lines: string, at = 20) =>
  lines.replace(/^(\u2014 \S+ )(\S+)/mu, (_, head: string, b64: string) => {
    const c = b64[at] === 'A' ? 'B' : 'A';
    return head + b64.slice(0, at) + c + b64.slice(at + 1);
  });

/** A log in memory; `rewritten` changes one entry, as a log that rewrote its history. */
function memoryLog(size: number, rewritten?: number) {
  const leaves = Array.from({ length: size }, (_, i) =>
    leafHash(utf8(i === rewritten ? `rewritten entry ${i}` : `entry ${i}`)),
  );
  const reader: HashReader = { hash: (h, i) => rootOfLeafHashes(leaves.slice(i * 2 ** h, (i + 1) * 2 ** h)) };
  const root = (n: number) => rootOfLeafHashes(leaves.slice(0, n));
  return {
    leaves,
    reader,
    root,
    proof: (a: number, b: number) => consistencyProof(reader, a, b),
    note: (n: number, signer: NoteSigner = logSigner) =>
      signNote(formatCheckpoint({ origin: ORIGIN, size: n, root: root(n), extensions: [] }), [signer]),
  };
}

const log = memoryLog(40);
const fork = memoryLog(40, 6);
const request = (old: number, note: string, proof: Uint8Array[] = []) => formatAddCheckpointRequest(old, proof, note);
const grow = (old: number, size: number, from = log) => request(old, from.note(size), from.proof(old, size));
const witnessVerifier = parseVerifierKey(
  formatVerifierKey(WITNESS_NAME, COSIGNATURE_V1_KEY_TYPE, witnessEd.publicKey),
  verify,
);

let dir: string;
let store: WitnessStore;
let witness: Witness;
const open = () => {
  store = openWitnessStore(join(dir, 'witness.sqlite'));
  witness = createWitness({
    name: WITNESS_NAME,
    signer: witnessSigner,
    store,
    logs: () => [{ origin: ORIGIN, verifierKey: logVkey }],
    verify,
    now: () => TIME,
  });
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'witness-'));
  open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cosign(body: Uint8Array): Promise<WitnessResponse> {
  const r = await witness.addCheckpoint(body);
  expect(r.status, textOf(r)).toBe(200);
  return r;
}

// The example request body of c2sp.org/tlog-witness §add-checkpoint.
const SPEC_REQUEST = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;
// Its example response body.
const SPEC_RESPONSE = `— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==
— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==
— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==
`;
const HASH_LINE = 'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n';

const MALFORMED: [string, string | Uint8Array][] = [
  ['no blank line', `old 0\n${log.note(3).replace('\n\n', '\n')}`],
  ['64 proof lines', `old 2\n${HASH_LINE.repeat(64)}\n${log.note(3)}`],
  ['a proof line that is not base64', `old 2\n${HASH_LINE.replace('P', '!')}\n${log.note(3)}`],
  ['a proof line of 31 bytes', `old 2\n${Buffer.alloc(31).toString('base64')}\n\n${log.note(3)}`],
  ['a proof with an old size of 0', `old 0\n${HASH_LINE}\n${log.note(3)}`],
  ['an oversized body', `old 0\n\n${log.note(3)}${'x'.repeat(MAX_ADD_CHECKPOINT_BODY_BYTES)}`],
  ['a leading zero', `old 02\n\n${log.note(3)}`],
  ['a negative old size', `old -1\n\n${log.note(3)}`],
  ['CRLF line ends', `old 0\r\n\r\n${log.note(3)}`],
  ['no old line', `\n${log.note(3)}`],
  ['an empty body', ''],
  [
    'a note without signatures',
    `old 0\n\n${formatCheckpoint({ origin: ORIGIN, size: 1, root: log.root(1), extensions: [] })}`,
  ],
  ['a note that is not a checkpoint', `old 0\n\n${signNote('hello\n', [logSigner])}`],
  ['invalid UTF-8', Uint8Array.of(...utf8('old 0\n\n'), 0xff, 0xfe, 0x0a)],
];

describe('add-checkpoint request bodies (C2SP tlog-witness)', () => {
  it('parses the specification example', () => {
    const r = parseAddCheckpointRequest(utf8(SPEC_REQUEST));
    expect(r.oldSize).toBe(20852014);
    expect(r.proof.map((h) => Buffer.from(h).toString('base64'))[3]).toBe(
      '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
    );
    expect(r.note.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
    expect(formatAddCheckpointRequest(r.oldSize, r.proof, r.note)).toEqual(utf8(SPEC_REQUEST));
  });
  it.each(MALFORMED)('refuses %s', (_, body) => {
    expect(() => parseAddCheckpointRequest(typeof body === 'string' ? utf8(body) : body)).toThrow(
      AddCheckpointRequestError,
    );
  });
  it('refuses to format 64 proof hashes or a proof from size 0', () => {
    expect(() =>
      request(
        2,
        log.note(3),
        Array.from({ length: 64 }, () => new Uint8Array(32)),
      ),
    ).toThrow(AddCheckpointRequestError);
    expect(() => request(0, log.note(3), [new Uint8Array(32)])).toThrow(AddCheckpointRequestError);
  });
});

describe('createWitness › add-checkpoint', () => {
  describe('when a log submits its first checkpoint', () => {
    it('cosigns it with a cosignature/v1 key that verifies over the checkpoint', async () => {
      const note = log.note(5);
      const r = await cosign(request(0, note));
      const vkey = parseVerifierKey(witness.verifierKey, verify);
      expect(vkey.type).toBe(COSIGNATURE_V1_KEY_TYPE);
      const cosigned = withSignatures(note, cosignatureLines(r.body));
      expect(openNote(cosigned, [vkey]).verified.map((v) => v.verifier.name)).toEqual([WITNESS_NAME]);
      expect(witness.latest(ORIGIN)).toEqual({ size: 5, note });
    });

    it('gives bytes that plain node:crypto verifies over the message built from the spec text', async () => {
      const note = log.note(5);
      const checkpointText = note.slice(0, note.indexOf('\n\n') + 1);
      const line = textOf(await cosign(request(0, note)));
      const m = /^\u2014 witness\.example\/w1 ([A-Za-z0-9+/=]+)\n$/.exec(line)!;
      const bytes = Buffer.from(m[1]!, 'base64');
      // tlog-cosignature: key ID = SHA-256(<name> || "\n" || 0x04 || public key)[:4]
      const id = createHash('sha256')
        .update(Buffer.concat([Buffer.from(`${WITNESS_NAME}\n`), Buffer.of(4), witnessEd.publicKey]))
        .digest()
        .subarray(0, 4);
      expect(bytes.subarray(0, 4)).toEqual(id);
      expect(bytes.length).toBe(4 + 8 + 64);
      expect(bytes.readBigUInt64BE(4)).toBe(BigInt(TIME));
      const message = Buffer.from(`cosignature/v1\ntime ${TIME}\n${checkpointText}`);
      const key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(witnessEd.publicKey).toString('base64url') },
        format: 'jwk',
      });
      expect(nodeVerify(null, message, key, bytes.subarray(12))).toBe(true);
      expect(
        nodeVerify(null, Buffer.from(`cosignature/v1\ntime ${TIME + 1}\n${checkpointText}`), key, bytes.subarray(12)),
      ).toBe(false);
    });
  });

  describe('when the log grows', () => {
    it('cosigns a checkpoint with a valid consistency proof and keeps the new size across a reopen', async () => {
      await cosign(request(0, log.note(5)));
      await cosign(grow(5, 9));
      await cosign(grow(9, 16));
      await cosign(request(16, log.note(16))); // the same checkpoint again: cosigned again
      expect(witness.latest(ORIGIN)?.size).toBe(16);
      store.close();
      open();
      expect(witness.latest(ORIGIN)).toEqual({ size: 16, note: log.note(16) });
      await cosign(grow(16, 37));
      // What the witness vouches for holds the log's entries.
      verifyInclusion(30, 37, log.leaves[30]!, inclusionProof(log.reader, 30, 37), log.root(37));
    });
  });

  describe('when the request is refused', () => {
    it('answers 404 for an unknown origin', async () => {
      const other = noteSigner('other.example/log', ED25519_KEY_TYPE, nodeEd25519Signer(seed(1)));
      const note = signNote(formatCheckpoint({ origin: other.name, size: 1, root: log.root(1), extensions: [] }), [
        other,
      ]);
      expect((await witness.addCheckpoint(request(0, note))).status).toBe(404);
    });
    it('answers 403 for a checkpoint signed by another key of the same name', async () => {
      const impostor = noteSigner(ORIGIN, ED25519_KEY_TYPE, nodeEd25519Signer(seed(9)));
      expect((await witness.addCheckpoint(request(0, log.note(5, impostor)))).status).toBe(403);
    });
    it('answers 403 for a signature by the log key that does not verify', async () => {
      const tampered = flip(log.note(5));
      expect(tampered).not.toBe(log.note(5));
      expect((await witness.addCheckpoint(request(0, tampered))).status).toBe(403);
      expect(witness.latest(ORIGIN)).toBeUndefined();
    });
    it('ignores a signature by an unknown key beside the log key', async () => {
      const other = noteSigner('other.example/log', ED25519_KEY_TYPE, nodeEd25519Signer(seed(7)));
      const text = formatCheckpoint({ origin: ORIGIN, size: 5, root: log.root(5), extensions: [] });
      await cosign(request(0, signNote(text, [other, logSigner])));
    });
    it('answers 400 when the old size is larger than the checkpoint', async () => {
      await cosign(request(0, log.note(9)));
      const r = await witness.addCheckpoint(request(9, log.note(5)));
      expect(r.status).toBe(400);
    });
    it.each(MALFORMED)('answers 400 for a body with %s', async (_, body) => {
      const r = await witness.addCheckpoint(typeof body === 'string' ? utf8(body) : body);
      expect(r.status).toBe(400);
      expect(r.contentType).toBe('text/plain; charset=utf-8');
    });
    it('answers 409 with the latest size as text/x.tlog.size when the old size is stale', async () => {
      await cosign(request(0, log.note(5)));
      const r = await witness.addCheckpoint(request(0, log.note(9)));
      expect(r).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: utf8('5\n') });
    });
    it('answers 409 to the same size with another root, and records the misbehaviour', async () => {
      await cosign(request(0, log.note(9)));
      const r = await witness.addCheckpoint(request(9, fork.note(9)));
      expect(r.status).toBe(409);
      expect(r.contentType).not.toBe('text/x.tlog.size');
      expect(witness.latest(ORIGIN)).toEqual({ size: 9, note: log.note(9) });
      expect(witness.misbehaviour()).toEqual([
        {
          origin: ORIGIN,
          reason: 'same-size-different-root',
          previousNote: log.note(9),
          conflictingNote: fork.note(9),
          proof: [],
          observedAt: TIME,
        },
      ]);
      await witness.addCheckpoint(request(9, fork.note(9)));
      expect(witness.misbehaviour()).toHaveLength(1); // recorded once
    });
    it('answers 422 to a log that rewrote one entry, cosigns nothing and records it', async () => {
      await cosign(request(0, log.note(8)));
      const r = await witness.addCheckpoint(grow(8, 13, fork));
      expect(r.status).toBe(422);
      expect(textOf(r)).not.toContain('\u2014');
      expect(witness.latest(ORIGIN)?.size).toBe(8);
      const [record] = witness.misbehaviour();
      expect(record?.reason).toBe('inconsistent-proof');
      expect(record?.proof).toEqual(fork.proof(8, 13).map((h) => Buffer.from(h).toString('base64')));
      // The honest log still gets its cosignature.
      await cosign(grow(8, 13));
    });
    it('answers 422 to a valid proof for other sizes and to a proof between equal sizes', async () => {
      await cosign(request(0, log.note(8)));
      expect((await witness.addCheckpoint(request(8, log.note(13), log.proof(7, 13)))).status).toBe(422);
      expect((await witness.addCheckpoint(request(8, log.note(8), log.proof(7, 8)))).status).toBe(422);
    });
    it('refuses the replay of an older checkpoint with 409 and keeps its state', async () => {
      await cosign(request(0, log.note(5)));
      await cosign(grow(5, 9));
      for (const body of [request(5, log.note(5)), request(0, log.note(5)), request(0, log.note(9))]) {
        expect(await witness.addCheckpoint(body)).toEqual({
          status: 409,
          contentType: 'text/x.tlog.size',
          body: utf8('9\n'),
        });
      }
      expect(witness.latest(ORIGIN)).toEqual({ size: 9, note: log.note(9) });
    });
  });

  describe('when two requests race from the same old size (tlog-witness §add-checkpoint)', () => {
    it.each([
      [9, 20],
      [20, 9],
    ])('cosigns only the first of %i and %i and never rolls back', async (a, b) => {
      await cosign(request(0, log.note(5)));
      const [ra, rb] = await Promise.all([witness.addCheckpoint(grow(5, a)), witness.addCheckpoint(grow(5, b))]);
      expect([ra.status, rb.status]).toEqual([200, 409]);
      expect(textOf(rb)).toBe(`${a}\n`);
      expect(witness.latest(ORIGIN)?.size).toBe(a);
    });
  });
});

describe('openWitnessStore', () => {
  it('refuses a database of an unknown schema version', () => {
    const path = join(dir, 'future.sqlite');
    openWitnessStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openWitnessStore(path)).toThrow(WitnessStoreError);
  });
  it('refuses a file that holds another database', () => {
    const path = join(dir, 'other.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => openWitnessStore(path)).toThrow(WitnessStoreError);
  });
});

describe('requestCosignature', () => {
  const sender = () => {
    const sent: string[] = [];
    const send = async (body: Uint8Array) => {
      sent.push(new TextDecoder().decode(body).split('\n')[0]!);
      return witness.addCheckpoint(body);
    };
    return { sent, send };
  };
  const args = (note: string, oldSize: number, from = log) => ({
    note,
    oldSize,
    proofFor: (old: number) => from.proof(old, Number(note.split('\n')[1])),
    witnessVerifier,
  });

  it('recovers from a 409 by retrying once from the witness size', async () => {
    await cosign(request(0, log.note(5)));
    const { sent, send } = sender();
    const note = log.note(9);
    const lines = await requestCosignature(send, args(note, 0));
    expect(sent).toEqual(['old 0', 'old 5']);
    expect(openNote(withSignatures(note, lines), [witnessVerifier]).verified).toHaveLength(1);
    expect(witness.latest(ORIGIN)?.size).toBe(9);
  });
  it('gives up when the witness has cosigned a larger tree', async () => {
    await cosign(request(0, log.note(9)));
    const { sent, send } = sender();
    await expect(requestCosignature(send, args(log.note(5), 0))).rejects.toThrow(CosignatureRequestError);
    expect(sent).toEqual(['old 0']);
  });
  it('gives up when the retry fails too', async () => {
    await cosign(request(0, log.note(8)));
    const { sent, send } = sender();
    const failure = requestCosignature(send, args(fork.note(13), 0, fork));
    await expect(failure).rejects.toMatchObject({ name: 'CosignatureRequestError', status: 422 });
    expect(sent).toEqual(['old 0', 'old 8']);
  });
  it('keeps only lines by the witness key, and refuses one that does not verify', async () => {
    const note = log.note(5);
    const real = textOf(await witness.addCheckpoint(request(0, note)));
    const foreign = SPEC_RESPONSE.split('\n')[2]!;
    const reply = async (body: string) => ({ status: 200, body: utf8(body) });
    expect(await requestCosignature(() => reply(`${foreign}\n${real}`), args(note, 5))).toEqual([real.trimEnd()]);
    const forged = flip(real);
    await expect(requestCosignature(() => reply(forged), args(note, 5))).rejects.toThrow(CosignatureRequestError);
    await expect(requestCosignature(() => reply(`${foreign}\n`), args(note, 5))).rejects.toThrow(
      CosignatureRequestError,
    );
  });
});

describe('cosignatureLines', () => {
  it('parses the specification example response', () => {
    expect(cosignatureLines(utf8(SPEC_RESPONSE)).map((l) => l.split(' ')[1])).toEqual([
      'witness.example/w1',
      'witness.example/w1',
      'witness.example/w2',
    ]);
  });
  it.each([
    ['an empty body', ''],
    ['no final newline', SPEC_RESPONSE.trimEnd()],
    ['a line without the em dash', SPEC_RESPONSE.replace('\u2014', '-')],
    ['a line that is not base64', SPEC_RESPONSE.replace('CMp+', 'CMp!')],
    ['an empty line', `\n${SPEC_RESPONSE}`],
  ])('refuses %s', (_, body) => {
    expect(() => cosignatureLines(utf8(body))).toThrow(/not a signature|newline|empty/);
  });
});
