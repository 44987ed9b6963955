// The independent checkpoint, tlog-witness and tlog-proof formats in test/support/c2sp, proved
// against the examples of github.com/C2SP/C2SP tlog-checkpoint.md, tlog-witness.md and
// tlog-proof.md, and end to end with keys and trees of our own.
import { describe, expect, it } from 'vitest';
import {
  SIG_TYPE_COSIGNATURE_V1,
  TLOG_SIZE_CONTENT_TYPE,
  appendCosignatures,
  consistencyProof,
  cosign,
  formatAddCheckpointBody,
  formatTlogProof,
  inclusionProof,
  leafHash,
  makeNoteKey,
  parseAddCheckpointBody,
  parseCheckpoint,
  parseSignedNote,
  parseTlogProof,
  parseTlogSizeBody,
  signNote,
  toBase64,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  verifyNote,
} from './support/c2sp/index.ts';

const SOFA_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const leaves = Array.from({ length: 13 }, (_, i) => leafHash(new TextEncoder().encode(`entry ${String(i)}`)));

function checkpointText(origin: string, size: number): string {
  return `${origin}\n${String(size)}\n${toBase64(treeHash(leaves, 0, size))}\n`;
}

describe('parseCheckpoint', () => {
  it('reads the tlog-checkpoint example', () => {
    const checkpoint = parseCheckpoint(SOFA_TEXT);
    expect(checkpoint).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163n, extensions: [] });
    expect(toHex(checkpoint.rootHash)).toBe('0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62');
  });

  it('keeps extension lines and accepts the empty tree', () => {
    expect(parseCheckpoint(`${SOFA_TEXT}ext one\next two\n`).extensions).toEqual(['ext one', 'ext two']);
    expect(parseCheckpoint(`o\n0\n${toBase64(treeHash([]))}\n`).size).toBe(0n);
  });

  it.each([
    ['a leading zero', SOFA_TEXT.replace('20852163', '020852163')],
    ['a sign', SOFA_TEXT.replace('20852163', '+20852163')],
    ['a size past uint64', SOFA_TEXT.replace('20852163', '18446744073709551616')],
    ['a short root hash', SOFA_TEXT.replace('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'CsUYapGG')],
    ['an empty extension line', `${SOFA_TEXT}\n`],
    ['two lines', 'example.com/log\n1\n'],
    ['an empty origin', SOFA_TEXT.replace('example.com/behind-the-sofa', '')],
    ['no final newline', SOFA_TEXT.slice(0, -1)],
  ])('rejects %s', (_label, text) => {
    expect(() => parseCheckpoint(text)).toThrow();
  });
});

describe('tlog-witness add-checkpoint', () => {
  // tlog-witness.md, "add-checkpoint": the example request and response bodies.
  const exampleRequest =
    'old 20852014\n' +
    'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
    '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n' +
    `${SOFA_TEXT}\n` +
    '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
    '— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';
  const exampleResponse =
    '— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n' +
    '— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n' +
    '— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n';

  it('parses the example request into old size, four proof hashes and the signed checkpoint', () => {
    const request = parseAddCheckpointBody(exampleRequest);
    expect(request.oldSize).toBe(20852014n);
    expect(request.proof.map(toBase64)).toEqual(exampleRequest.split('\n').slice(1, 5));
    const note = parseSignedNote(request.checkpoint);
    expect(note.signatures).toHaveLength(2);
    expect(parseCheckpoint(note.text).size).toBe(20852163n);
    expect(formatAddCheckpointBody(request.oldSize, request.proof, request.checkpoint)).toBe(exampleRequest);
  });

  it('accepts the example response as signature lines to append to the checkpoint', () => {
    const request = parseAddCheckpointBody(exampleRequest);
    const note = parseSignedNote(appendCosignatures(request.checkpoint, exampleResponse));
    expect(note.signatures.map((s) => s.name)).toEqual([
      'example.com/behind-the-sofa',
      'example.com/behind-the-sofa',
      'witness.example/w1',
      'witness.example/w1',
      'witness.example/w2',
    ]);
    expect(() => appendCosignatures(request.checkpoint, '')).toThrow();
    expect(() => appendCosignatures(request.checkpoint, 'not a signature\n')).toThrow();
  });

  it.each([
    ['no old line', exampleRequest.replace('old 20852014\n', '')],
    ['a leading zero in the old size', exampleRequest.replace('old 20852014', 'old 020852014')],
    ['a short proof hash', exampleRequest.replace('PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=', 'PlRNCrwH')],
    ['64 proof lines', `old 1\n${'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n'.repeat(64)}\n${SOFA_TEXT}`],
    ['no empty line', 'old 0\n'],
  ])('rejects a request with %s', (_label, body) => {
    expect(() => parseAddCheckpointBody(body)).toThrow();
  });

  it('reads the 409 body, typed text/x.tlog.size, as a decimal size and a newline', () => {
    expect(TLOG_SIZE_CONTENT_TYPE).toBe('text/x.tlog.size');
    expect(parseTlogSizeBody('20852014\n')).toBe(20852014n);
    expect(parseTlogSizeBody('0\n')).toBe(0n);
    expect(() => parseTlogSizeBody('20852014')).toThrow();
    expect(() => parseTlogSizeBody('007\n')).toThrow();
  });

  it('carries a log checkpoint, its proof and a cosignature end to end', () => {
    const log = makeNoteKey('example.com/log');
    const witness = makeNoteKey('witness.example/w1', SIG_TYPE_COSIGNATURE_V1);
    const [oldText, newText] = [checkpointText('example.com/log', 5), checkpointText('example.com/log', 13)];
    const body = formatAddCheckpointBody(5, consistencyProof(5, leaves), signNote(newText, [log]));
    const request = parseAddCheckpointBody(body);
    const verified = verifyNote(request.checkpoint, [log.vkey]);
    const [oldHead, newHead] = [parseCheckpoint(oldText), parseCheckpoint(verified.text)];
    expect(verifyConsistency(request.oldSize, newHead.size, request.proof, oldHead.rootHash, newHead.rootHash)).toBe(
      true,
    );
    const cosigned = appendCosignatures(request.checkpoint, cosign(verified.text, witness, 1700000000));
    expect(verifyNote(cosigned, [log.vkey, witness.vkey]).verifiedBy).toEqual([
      'example.com/log',
      'witness.example/w1',
    ]);
  });
});

describe('tlog-proof', () => {
  // tlog-proof.md, "Format": the opening example (its signatures are elided with [...]).
  const example =
    'c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\nindex 73894\n' +
    'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\nB95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n' +
    'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\nRoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n' +
    'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n\n' +
    'example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n' +
    '— example.com/fancylog hI2DJw[...]1roloI=\n— witness1.example mJirIklj[...]qY9v2B/5bg==\n';

  it('parses the spec example', () => {
    const proof = parseTlogProof(example);
    expect(Buffer.from(proof.extra ?? []).toString('latin1')).toMatch(/^age-v1\.2\.1-darwin-arm64\.tar\.gz/);
    expect(proof.index).toBe(73894n);
    expect(proof.proof).toHaveLength(5);
    expect(proof.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
  });

  it('round-trips a proof of our own that verifies against its signed checkpoint', () => {
    const log = makeNoteKey('example.com/log');
    const checkpoint = signNote(checkpointText('example.com/log', 13), [log]);
    const text = formatTlogProof({ index: 9n, proof: inclusionProof(9, leaves), checkpoint });
    const proof = parseTlogProof(text);
    expect(proof.extra).toBeUndefined();
    const head = parseCheckpoint(verifyNote(proof.checkpoint, [log.vkey]).text);
    expect(verifyInclusion(proof.index, head.size, leaves[9] as Uint8Array, proof.proof, head.rootHash)).toBe(true);
  });

  it('rejects a proof with another header or no index', () => {
    expect(() => parseTlogProof(example.replace('tlog-proof@v1', 'tlog-proof@v2'))).toThrow();
    expect(() => parseTlogProof(example.replace('index 73894\n', ''))).toThrow();
  });
});
