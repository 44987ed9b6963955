import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as independent from '../../../test/support/c2sp/index.ts';
import { nodeEd25519Signer } from '../crypto/node.ts';
import { toBase64 } from '../note/index.ts';
import { ORIGIN, makePackageFixture } from '../verify/fixture.testing.ts';
import {
  PackageFormatError,
  PackageInputError,
  buildEvidencePackage,
  formatCustodyEvent,
  formatTlogProof,
  packageFileName,
  parseCustodyEvent,
  parseManifest,
  parseTlogProof,
  quoted,
} from './index.ts';

const fixture = makePackageFixture(nodeEd25519Signer);
const utf8 = (s: string) => new TextEncoder().encode(s);
const textOf = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const proofText = textOf(fixture.files.get('evidence.tlog-proof'));
const hash = (n: number) => new Uint8Array(32).fill(n);

describe('tlog-proof', () => {
  it('round-trips, extra line included', () => {
    const proof = {
      extra: utf8('age-v1.2.1'),
      index: 73894,
      proof: [hash(1), hash(2)],
      checkpoint: fixture.input.checkpoint,
    };
    const parsed = parseTlogProof(formatTlogProof(proof));
    expect(parsed).toEqual(proof);
    expect(parseTlogProof(utf8(formatTlogProof(proof)))).toEqual(proof);
  });

  it('reads and writes what the independent C2SP implementation writes and reads', () => {
    const theirs = independent.parseTlogProof(proofText);
    expect(formatTlogProof({ index: Number(theirs.index), proof: theirs.proof, checkpoint: theirs.checkpoint })).toBe(
      proofText,
    );
    const written = independent.formatTlogProof({
      extra: utf8('x'),
      index: 3n,
      proof: [hash(7)],
      checkpoint: fixture.input.checkpoint,
    });
    expect(parseTlogProof(written)).toEqual({
      extra: utf8('x'),
      index: 3,
      proof: [hash(7)],
      checkpoint: fixture.input.checkpoint,
    });
  });

  // Hostile input: every departure from the format is refused with a reason.
  it.each([
    ['another header', proofText.replace('tlog-proof@v1', 'tlog-proof@v2'), /does not start with/],
    ['no index line', proofText.replace('index 5\n', ''), /no valid "index N" line/],
    ['an index with a leading zero', proofText.replace('index 5', 'index 05'), /no valid "index N" line/],
    ['a negative index', proofText.replace('index 5', 'index -5'), /no valid "index N" line/],
    ['an index past 2^53', proofText.replace('index 5', 'index 9007199254740993'), /no valid "index N" line/],
    ['a short hash', proofText.replace(/^(.{43})=$/m, 'AAAA'), /is not a 32-byte hash/],
    ['non-canonical base64', proofText.replace(/^(.{42}).=$/m, '$1B='), /not standard base64/],
    ['64 hashes', proofText.replace('index 5\n', `index 5\n${`${toBase64(hash(1))}\n`.repeat(64)}`), /too many hashes/],
    ['no empty line', proofText.replaceAll('\n\n', '\n'), /no empty line/],
    ['CRLF line ends', proofText.replaceAll('\n', '\r\n'), /no empty line/],
    ['a checkpoint that is not a signed note', proofText.slice(0, proofText.indexOf('\u2014')), /not a signed note/],
    [
      'an extra line that is not base64',
      proofText.replace('index 5', 'extra !!\nindex 5'),
      /extra line is not standard base64/,
    ],
  ])('refuses a proof with %s', (_, text, message) => {
    expect(() => parseTlogProof(text)).toThrow(PackageFormatError);
    expect(() => parseTlogProof(text)).toThrow(message);
  });

  it('refuses bytes that are not UTF-8, and oversized proofs before reading them', () => {
    expect(() => parseTlogProof(Uint8Array.of(0xff, 0xfe))).toThrow(/not valid UTF-8/);
    expect(() => parseTlogProof(new Uint8Array(200 * 1024))).toThrow(/too large/);
  });
});

describe('custody events', () => {
  const event = { v: 1, event: 'exported', evidence: toBase64(hash(3)), at: '2026-05-01T14:00Z', log: ORIGIN } as const;

  it('have one canonical encoding, which parses back', () => {
    const bytes = formatCustodyEvent(event);
    expect(textOf(bytes)).toBe(
      `{"v":1,"event":"exported","evidence":"${toBase64(hash(3))}","at":"2026-05-01T14:00Z","log":"${ORIGIN}"}`,
    );
    expect(parseCustodyEvent(bytes)).toEqual(event);
  });

  it.each([
    ['spaced out', (t: string) => t.replaceAll(',', ', '), /canonical form/],
    [
      'with its fields in another order',
      () => JSON.stringify({ ...event, v: undefined, at: event.at, v2: 1 }),
      /unknown fields: v2/,
    ],
    ['with a duplicate key', (t: string) => t.replace('"v":1,', '"v":1,"v":1,'), /canonical form/],
    [
      'with an unknown kind',
      (t: string) => t.replace('exported', 'destroyed'),
      /"event" is not one of received, exported/,
    ],
    ['on 30 February', (t: string) => t.replace('05-01', '02-30'), /not an ISO 8601 UTC time/],
    ['in local time', (t: string) => t.replace('14:00Z', '14:00+02:00'), /not an ISO 8601 UTC time/],
    [
      'about a short commitment',
      (t: string) => t.replace(toBase64(hash(3)), toBase64(hash(3).subarray(1))),
      /32-byte commitment/,
    ],
    [
      'naming a log with a control character',
      (t: string) => t.replace(ORIGIN, `${ORIGIN}\\u001b[2J`),
      /control characters/,
    ],
    ['not an object', () => '[1]', /not a JSON object/],
  ])('are refused when %s', (_, edit, message) => {
    const bytes = utf8(edit(textOf(formatCustodyEvent(event))));
    expect(() => parseCustodyEvent(bytes)).toThrow(message);
  });
});

/** A manifest as plain JSON, to break on purpose. */
interface RawManifest {
  [field: string]: unknown;
  evidence: Record<string, unknown>;
  custody: Record<string, unknown>[];
}

describe('parseManifest', () => {
  const manifest = () => JSON.parse(textOf(fixture.files.get('package.json'))) as RawManifest;

  it('reads what the builder writes', () => {
    expect(parseManifest(fixture.files.get('package.json')!).evidence.file).toBe('evidence/témoignage 1.mp4');
  });

  it.each([
    ['an unknown field', (m: RawManifest) => (m.extra = 1), /unknown fields: extra/],
    ['a path outside evidence/', (m: RawManifest) => (m.evidence.file = 'evidence/../package.json'), /plain file name/],
    ['a hidden evidence file', (m: RawManifest) => (m.evidence.file = 'evidence/.x'), /plain file name/],
    [
      'custody files out of order',
      (m: RawManifest) => (m.custody[0]!.event = 'custody/1.json'),
      /custody\[0\].event is not "custody\/0.json"/,
    ],
    [
      'an upper-case SHA-256',
      (m: RawManifest) => (m.evidence.sha256 = String(m.evidence.sha256).toUpperCase()),
      /64 lowercase/,
    ],
    ['a negative size', (m: RawManifest) => (m.evidence.size = -1), /not a number of bytes/],
    [
      'a name with a bidirectional override',
      (m: RawManifest) => (m.evidence.name = 'x\u202egpj.exe'),
      /control characters/,
    ],
    ['a 31-byte salt', (m: RawManifest) => (m.evidence.salt = toBase64(hash(1).subarray(1))), /salt is not 32 bytes/],
  ])('refuses %s', (_, edit, message) => {
    const m = manifest();
    edit(m);
    expect(() => parseManifest(utf8(JSON.stringify(m)))).toThrow(message);
  });
});

describe('buildEvidencePackage', () => {
  it('lays the package out as described in its manifest', () => {
    expect([...fixture.files.keys()].sort()).toEqual([
      'VERIFY.txt',
      'custody/0.json',
      'custody/0.tlog-proof',
      'custody/1.json',
      'custody/1.tlog-proof',
      'evidence.tlog-proof',
      'evidence/témoignage 1.mp4',
      'package.json',
    ]);
    expect(fixture.files.get('custody/0.json')).toEqual(fixture.input.custody[0]!.event);
    expect(textOf(fixture.files.get('custody/1.tlog-proof'))).toContain(`${ORIGIN}\n20\n`);
  });

  it.each([
    ['a proof that does not lead to the checkpoint', { index: 4 }, /the evidence: entry 4 is not in the tree/],
    ['a salt that is not the committed one', { salt: hash(1) }, /the evidence: entry 5 is not in the tree/],
    ['another media type than the committed one', { type: 'video/webm' }, /the evidence: entry 5/],
    ['a media type with a control character', { type: 'video/mp4\u001b' }, /media type/],
    ['a log key of the witness type', { logVerifierKey: fixture.witnessVerifierKeys[0]! }, /not of type 0x01/],
    [
      'a custody event about other evidence',
      {
        custody: [
          {
            ...fixture.input.custody[0]!,
            event: formatCustodyEvent({
              v: 1,
              event: 'received',
              evidence: toBase64(hash(1)),
              at: '2026-05-01T14:00Z',
              log: ORIGIN,
            }),
          },
        ],
      },
      /custody\[0\] is about other evidence/,
    ],
    [
      'a custody checkpoint not proved consistent',
      { consistency: [] },
      /custody\[1\]'s checkpoint is neither the evidence one nor proved consistent/,
    ],
  ])('refuses %s', (_, change, message) => {
    expect(() => buildEvidencePackage({ ...fixture.input, ...change })).toThrow(PackageInputError);
    expect(() => buildEvidencePackage({ ...fixture.input, ...change })).toThrow(message);
  });

  it('names the evidence file safely, whatever the reporter’s device called it', () => {
    expect(packageFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(packageFileName('.hidden')).toBe('hidden');
    expect(packageFileName('شهادة صوتية.m4a')).toBe('شهادة صوتية.m4a');
    expect(packageFileName('x\u202egpj.exe')).toBe('x_gpj.exe');
    expect(packageFileName('trailing. ')).toBe('trailing');
    expect(packageFileName('...')).toBe('evidence');
    const files = buildEvidencePackage({ ...fixture.input, name: '$(touch pwned)\u202e.mp4' });
    expect([...files.keys()]).toContain('evidence/__touch pwned__.mp4');
    expect(parseManifest(files.get('package.json')!).evidence.name).toBe('$(touch pwned)\ufffd.mp4');
  });
});

describe('VERIFY.txt', () => {
  const text = textOf(fixture.files.get('VERIFY.txt'));
  const manifest = parseManifest(fixture.files.get('package.json')!);
  const dir = mkdtempSync(join(tmpdir(), 'backup-package-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('states the package’s own values and what it does not prove', () => {
    for (const value of [
      ORIGIN,
      manifest.evidence.sha256,
      manifest.evidence.commitment,
      'number 5 (counting from 0) of 14 entries',
    ])
      expect(text).toContain(value);
    for (const witness of ['witness.ngo-b.example at 2026-04-24T03:06:40Z', 'witness.ngo-d.example'])
      expect(text).toContain(witness);
    expect(text).not.toContain('witness.ngo-e.example');
    expect(text).toContain('WHAT IT DOES NOT PROVE');
    expect(text).toContain('backup verify PATH/TO/THIS/FOLDER --policy POLICY.json');
    expect(text).toContain('Open https://ngo-a.example/verify');
  });

  it('gives commands that recompute the file hash and every commitment', () => {
    for (const [path, bytes] of fixture.files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    const commands = text
      .split('\n')
      .filter((l) => l.startsWith('     $ '))
      .map((l) => l.slice('     $ '.length));
    const outputs = commands.map((command) =>
      execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8' }).trim(),
    );
    expect(outputs[0]).toBe(`${manifest.evidence.sha256}  evidence/témoignage 1.mp4`);
    expect(outputs[1]).toBe(manifest.evidence.commitment);
    const entries = text.match(/custody\/\d\.json must give (\S+):/g)!.map((l) => l.split(' ').at(-1)!.slice(0, -1));
    expect(outputs.slice(2)).toEqual(entries);
    expect(entries).toHaveLength(2);
  });

  it('quotes a hostile media type so that the commands stay harmless', () => {
    const hostile = makePackageFixture(nodeEd25519Signer, { type: "video/mp4'; touch pwned; echo '" });
    const where = join(dir, 'hostile');
    for (const [path, bytes] of hostile.files) {
      mkdirSync(dirname(join(where, path)), { recursive: true });
      writeFileSync(join(where, path), bytes);
    }
    const command = textOf(hostile.files.get('VERIFY.txt'))
      .split('\n')
      .find((l) => l.includes('backup/evidence-commitment/v1'))!
      .slice('     $ '.length);
    const output = execFileSync('sh', ['-c', command], { cwd: where, encoding: 'utf8' }).trim();
    expect(output).toBe(parseManifest(hostile.files.get('package.json')!).evidence.commitment);
    expect(existsSync(join(where, 'pwned'))).toBe(false);
  });
});

describe('quoted', () => {
  it('shows a hostile string as inert text: no control, no bidirectional override', () => {
    expect(quoted('log\u202e\u001b[2J"')).toBe('"log\\u202e\\u001b[2J\\""');
    expect(quoted('x'.repeat(300))).toHaveLength(203);
  });
});
