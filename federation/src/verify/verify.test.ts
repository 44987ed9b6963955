import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as independent from '../../../test/support/c2sp/index.ts';
import { nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import { fromBase64, toBase64 } from '../note/index.ts';
import { COSIGNED_AT, NOW, ORIGIN, WITNESS_NAMES, makePackageFixture } from './fixture.testing.ts';
import { type TrustPolicy, type VerificationReport, verifyEvidencePackage } from './index.ts';

const fixture = makePackageFixture(nodeEd25519Signer);
const verify = nodeEd25519Verify();
const utf8 = (s: string) => new TextEncoder().encode(s);
const textOf = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
type Files = Map<string, Uint8Array>;

function run(files: ReadonlyMap<string, Uint8Array> = fixture.files, policy = fixture.policy(), now = NOW) {
  return verifyEvidencePackage(files, policy, { verify, now });
}

function check(report: VerificationReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check "${id}" in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

const failed = (report: VerificationReport) => report.checks.filter((c) => !c.ok).map((c) => c.id);

function withFile(path: string, bytes: Uint8Array, files: ReadonlyMap<string, Uint8Array> = fixture.files): Files {
  return new Map(files).set(path, bytes);
}

function editText(path: string, edit: (text: string) => string): Files {
  return withFile(path, utf8(edit(textOf(fixture.files.get(path)))));
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= 0x01;
  return copy;
}

/** The base64 value with one byte of what it encodes flipped. */
const flipBase64 = (b64: string, at: number) => toBase64(flipped(fromBase64(b64), at));

/** A proof file's hash line n (after the header and index lines) with one byte flipped. */
function flipProofHash(path: string, n: number): Files {
  return editText(path, (text) => {
    const lines = text.split('\n');
    lines[2 + n] = flipBase64(lines[2 + n]!, 7);
    return lines.join('\n');
  });
}

/** The signature line of `name` in every note of a proof file, one byte of its signature flipped. */
function flipSignature(path: string, name: string, at: number): Files {
  return editText(path, (text) =>
    text.replace(
      new RegExp(`^(\u2014 ${name.replaceAll('.', '\\.')} )(\\S+)$`, 'mu'),
      (_, head: string, b64: string) => `${head}${flipBase64(b64, at)}`,
    ),
  );
}

/** The manifest as plain JSON, to change on purpose. */
interface RawManifest {
  [field: string]: unknown;
  evidence: Record<string, string>;
  custody: Record<string, string>[];
  consistency: { from: string; proof: string[] }[];
}
const manifest = () => JSON.parse(textOf(fixture.files.get('package.json'))) as RawManifest;
const withManifest = (edit: (m: ReturnType<typeof manifest>) => void): Files => {
  const m = manifest();
  edit(m);
  return withFile('package.json', utf8(JSON.stringify(m)));
};

describe('verifyEvidencePackage', () => {
  describe('when the package is intact and the policy trusts its log and witnesses', () => {
    const report = run();

    it('passes every check', () => {
      expect(failed(report)).toEqual([]);
      expect(report.ok).toBe(true);
    });

    it('checks the policy, the files, the evidence, the checkpoint, consistency and each custody event', () => {
      expect(report.checks.map((c) => c.id)).toEqual([
        'policy',
        'manifest',
        'files',
        'evidence-size',
        'evidence-sha256',
        'evidence-commitment',
        'evidence-proof',
        'log-signature',
        'witness-quorum',
        'evidence-inclusion',
        'consistency-0',
        'consistency-1',
        'custody-0-event',
        'custody-0-inclusion',
        'custody-1-event',
        'custody-1-inclusion',
      ]);
    });

    it('says in plain words what it found', () => {
      expect(check(report, 'witness-quorum').detail).toContain('3 of the 3 cosignatures required by the policy');
      for (const name of WITNESS_NAMES) expect(check(report, 'witness-quorum').detail).toContain(name);
      expect(check(report, 'evidence-inclusion').detail).toContain('entry 5 of the 14 entries');
      expect(check(report, 'custody-1-inclusion').detail).toContain('consistent with the evidence checkpoint');
      expect(check(report, 'consistency-1').detail).toContain('extends the log’s earlier checkpoint'.replace('’', "'"));
    });

    it('is what independent C2SP and RFC 9162 code accepts too', () => {
      const proof = independent.parseTlogProof(textOf(fixture.files.get('evidence.tlog-proof')));
      const note = independent.verifyNote(proof.checkpoint, [fixture.logVerifierKey, ...fixture.witnessVerifierKeys]);
      expect(note.failedBy).toEqual([]);
      expect(note.verifiedBy).toEqual([ORIGIN, ...WITNESS_NAMES]);
      const head = independent.parseCheckpoint(note.text);
      const entry = fromBase64(manifest().evidence['commitment']!);
      expect(
        independent.verifyInclusion(proof.index, head.size, independent.leafHash(entry), proof.proof, head.rootHash),
      ).toBe(true);
    });

    it('builds for a browser with no node: module', async () => {
      const result = await build({
        entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
      });
      expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
    });
  });

  describe('when one byte of the package is changed', () => {
    const cases: [string, () => Files, string, RegExp][] = [
      [
        'the evidence file',
        () => withFile('evidence/témoignage 1.mp4', flipped(fixture.files.get('evidence/témoignage 1.mp4')!, 1234)),
        'evidence-sha256',
        /^the file's SHA-256 is [0-9a-f]{64}; the package says [0-9a-f]{64}$/,
      ],
      [
        'the salt',
        () => withManifest((m) => (m.evidence['salt'] = flipBase64(m.evidence['salt']!, 0))),
        'evidence-commitment',
        /^recomputed from the salt, the file's SHA-256, .*, the commitment is \S+; the package says \S+$/,
      ],
      [
        'the checkpoint’s size',
        () => editText('evidence.tlog-proof', (t) => t.replace(`${ORIGIN}\n14\n`, `${ORIGIN}\n15\n`)),
        'log-signature',
        /the log's signature \(key "backup.example\/ngo-a\/log"\) does not verify/,
      ],
      [
        'the checkpoint’s root hash',
        () => {
          const root = textOf(fixture.files.get('evidence.tlog-proof')).split('\n')[9]!;
          return editText('evidence.tlog-proof', (t) => t.replace(root, flipBase64(root, 31)));
        },
        'log-signature',
        /does not verify: the checkpoint's text or the signature was changed/,
      ],
      [
        'the log’s signature',
        () => flipSignature('evidence.tlog-proof', ORIGIN, 20),
        'log-signature',
        /does not verify/,
      ],
      [
        'a cosignature',
        () => flipSignature('evidence.tlog-proof', WITNESS_NAMES[1]!, 40),
        'witness-quorum',
        /^2 of the 3 cosignatures required by the policy.*the cosignature by "witness.ngo-c.example" does not verify/,
      ],
      [
        'a custody event',
        () =>
          withFile(
            'custody/0.json',
            flipped(
              fixture.files.get('custody/0.json')!,
              textOf(fixture.files.get('custody/0.json')).indexOf('"at":"2026') + 9,
            ),
          ),
        'custody-0-inclusion',
        /^the commitment recomputed from "custody\/0.json" and its salt, \S+, is not entry 6 under the checkpoint's root hash/,
      ],
      [
        'a custody event’s salt',
        () => withManifest((m) => (m.custody[1]!['salt'] = flipBase64(m.custody[1]!['salt']!, 3))),
        'custody-1-inclusion',
        /is not entry 16 under the checkpoint's root hash/,
      ],
    ];

    it.each(cases)('fails when it is in %s, saying why', (_, tamper, id, detail) => {
      const report = run(tamper());
      expect(report.ok).toBe(false);
      expect(check(report, id).ok).toBe(false);
      expect(check(report, id).detail).toMatch(detail);
    });

    const hashLines = (path: string) => textOf(fixture.files.get(path)).split('\n\n')[0]!.split('\n').length - 2;
    const proofs = (
      [
        ['evidence.tlog-proof', 'evidence-inclusion'],
        ['custody/0.tlog-proof', 'custody-0-inclusion'],
        ['custody/1.tlog-proof', 'custody-1-inclusion'],
      ] as const
    ).flatMap(([path, id]) =>
      Array.from({ length: hashLines(path) }, (_, n): [string, number, string] => [path, n, id]),
    );

    it('has proofs of several hashes to change', () => expect(proofs.length).toBe(11));

    it.each(proofs)('fails when it is in %s, proof hash %i, on %s', (path, n, id) => {
      const report = run(flipProofHash(path, n));
      expect(failed(report)).toEqual([id]);
      expect(check(report, id).detail).toMatch(/not entry \d+ under the checkpoint's root hash|does not lead from/);
    });

    it.each([
      [0, 0],
      [0, 4],
      [1, 0],
    ])('fails when it is in consistency proof %i, hash %i', (n, h) => {
      const report = run(
        withManifest((m) => (m.consistency[n]!.proof[h] = flipBase64(m.consistency[n]!.proof[h]!, 0))),
      );
      expect(check(report, `consistency-${n}`).ok).toBe(false);
      expect(check(report, `consistency-${n}`).detail).toMatch(
        /^the proof that the log's tree of \d+ entries extends its tree of \d+ entries does not verify/,
      );
    });

    it(
      'fails on every byte of the evidence, the proofs and the custody events, and never throws',
      { timeout: 120_000 },
      () => {
        for (const path of [
          'evidence/témoignage 1.mp4',
          'evidence.tlog-proof',
          'custody/0.json',
          'custody/0.tlog-proof',
          'custody/1.json',
          'custody/1.tlog-proof',
        ]) {
          const bytes = fixture.files.get(path)!;
          const step = Math.max(1, Math.floor(bytes.length / 300));
          for (let at = 0; at < bytes.length; at += step) {
            const report = run(withFile(path, flipped(bytes, at)));
            if (report.ok) throw new Error(`flipping byte ${at} of ${path} went unnoticed`);
          }
        }
      },
    );

    it('notices it anywhere in package.json but in what no proof needs', { timeout: 120_000 }, () => {
      const bytes = fixture.files.get('package.json')!;
      const text = textOf(bytes);
      const byteOffset = (i: number) => utf8(text.slice(0, i)).length;
      const uncovered = ['"created": "', '"name": "'].map((key) => {
        const start = text.indexOf(key) + key.length;
        return [byteOffset(start), byteOffset(text.indexOf('"', start))] as const;
      });
      // Cosignatures on a checkpoint used only to prove consistency are not needed (anyone may
      // strip them): a changed one is a line by an unknown key. The log's signature is needed.
      for (
        let at = text.indexOf(`\\n\u2014 ${WITNESS_NAMES[0]}`);
        at >= 0;
        at = text.indexOf(`\\n\u2014 ${WITNESS_NAMES[0]}`, at + 1)
      )
        uncovered.push([byteOffset(at + 2), byteOffset(text.indexOf('"', at))]);
      expect(uncovered).toHaveLength(4);
      for (let at = 0; at < bytes.length; at++) {
        const report = run(withFile('package.json', flipped(bytes, at)));
        if (report.ok && !uncovered.some(([start, end]) => at >= start && at < end))
          throw new Error(`flipping byte ${at} of package.json went unnoticed`);
      }
    });
  });

  describe('when the policy asks for more than the package has', () => {
    it('fails the quorum check with four cosignatures required and three given', () => {
      const report = run(fixture.files, fixture.policy(4));
      expect(failed(report)).toEqual(['witness-quorum', 'custody-0-inclusion', 'custody-1-inclusion']);
      expect(check(report, 'witness-quorum').detail).toMatch(/^3 of the 4 cosignatures required by the policy/);
    });

    it('fails the log check when the policy trusts another key for this log', () => {
      const other = makePackageFixture((seed) => nodeEd25519Signer(seed.map((b) => b ^ 0xff)));
      const policy: TrustPolicy = { ...fixture.policy(), logs: other.policy().logs };
      const report = run(fixture.files, policy);
      expect(check(report, 'log-signature').ok).toBe(false);
      expect(check(report, 'log-signature').detail).toMatch(
        /carries no signature by the key the policy trusts for this log/,
      );
    });

    it('fails the log check when the policy does not trust this log at all', () => {
      const policy: TrustPolicy = {
        ...fixture.policy(),
        logs: [{ origin: 'elsewhere.example/log', key: fixture.policy().logs[0]!.key }],
      };
      const report = run(fixture.files, policy);
      expect(check(report, 'log-signature').detail).toMatch(
        /which the policy does not trust \(it trusts "elsewhere.example\/log"\)/,
      );
    });

    it('does not count cosignatures dated more than ten minutes ahead of the verifier’s clock', () => {
      const early = run(fixture.files, fixture.policy(), new Date((COSIGNED_AT - 3600) * 1000));
      expect(check(early, 'witness-quorum').ok).toBe(false);
      expect(check(early, 'witness-quorum').detail).toMatch(
        /^0 of the 3 .*more than 10 minutes after the time of verification/,
      );
      expect(run(fixture.files, fixture.policy(), new Date((COSIGNED_AT - 300) * 1000)).ok).toBe(true);
    });

    it('refuses a policy it cannot meet, before looking at the package', () => {
      const report = run(fixture.files, { ...fixture.policy(), quorum: 5 });
      expect(report.checks.map((c) => [c.id, c.ok])).toEqual([['policy', false]]);
      expect(report.checks[0]!.detail).toBe('the policy needs 5 cosignatures but trusts only 4 witnesses');
    });
  });

  describe('when files are missing, extra or garbage', () => {
    it('reports a missing proof file and does not stop at it', () => {
      const files = new Map(fixture.files);
      files.delete('evidence.tlog-proof');
      const report = run(files);
      expect(check(report, 'files').detail).toBe('missing: "evidence.tlog-proof".');
      expect(check(report, 'evidence-proof').detail).toBe('the package has no file evidence.tlog-proof');
      expect(check(report, 'evidence-inclusion').detail).toMatch(/^not checked, because/);
      expect(check(report, 'evidence-sha256').ok).toBe(true);
      expect(check(report, 'custody-0-inclusion').ok).toBe(false);
    });

    it('reports a missing evidence file', () => {
      const files = new Map(fixture.files);
      files.delete('evidence/témoignage 1.mp4');
      expect(check(run(files), 'evidence-sha256').detail).toBe('the package has no file "evidence/témoignage 1.mp4"');
    });

    it('reports files the package does not describe, and ignores file-manager litter', () => {
      const extra = withFile('evidence/other.mp4', utf8('x'));
      expect(check(run(extra), 'files').detail).toMatch(
        /does not describe, which this verification does not cover: "evidence\/other.mp4"/,
      );
      const litter = withFile('.DS_Store', utf8('x'));
      expect(run(litter).ok).toBe(true);
      expect(check(run(litter), 'files').detail).toContain('file-manager files ignored: ".DS_Store"');
    });

    it('passes without VERIFY.txt, which proves nothing, and says so', () => {
      const files = new Map(fixture.files);
      files.delete('VERIFY.txt');
      expect(run(files).ok).toBe(true);
      expect(check(run(files), 'files').detail).toContain('VERIFY.txt (instructions only) is absent');
    });

    it.each([
      ['no manifest', undefined, /^the package has no package.json/],
      ['random bytes', new Uint8Array(64).map((_, i) => (i * 37) % 256), /not valid UTF-8|not JSON/],
      ['empty JSON', utf8('{}'), /^the manifest lacks v, kind, created, log, evidence, custody$/],
      ['null', utf8('null'), /^the manifest is not a JSON object$/],
      [
        'another kind',
        utf8(JSON.stringify({ ...manifest(), kind: 'other' })),
        /"kind" is not "backup-evidence-package"/,
      ],
      [
        'a path out of the package',
        utf8(
          JSON.stringify({ ...manifest(), evidence: { ...manifest().evidence, file: 'evidence/../../etc/passwd' } }),
        ),
        /evidence.file is not "evidence\/" followed by a plain file name/,
      ],
      ['too large', new Uint8Array(5 * 1024 * 1024), /too large/],
    ])('fails cleanly on a manifest that is %s', (_, bytes, detail) => {
      const files = new Map(fixture.files);
      if (bytes) files.set('package.json', bytes);
      else files.delete('package.json');
      const report = run(files);
      expect(report.ok).toBe(false);
      expect(report.checks.map((c) => c.id)).toEqual(['policy', 'manifest']);
      expect(check(report, 'manifest').detail).toMatch(detail);
    });

    it.each([
      ['empty', ''],
      ['not a proof', 'hello\n\nworld\n'],
      ['index with a leading zero', textOf(fixture.files.get('evidence.tlog-proof')).replace('index 5', 'index 05')],
      ['CRLF line ends', textOf(fixture.files.get('evidence.tlog-proof')).replaceAll('\n', '\r\n')],
    ])('fails cleanly on a proof file that is %s', (_, text) => {
      const report = run(withFile('evidence.tlog-proof', utf8(text)));
      expect(check(report, 'evidence-proof').ok).toBe(false);
      expect(check(report, 'evidence-proof').detail).not.toMatch(/unexpected error/);
    });

    it('fails the event check of a custody event about other evidence', () => {
      const event = JSON.parse(textOf(fixture.files.get('custody/0.json')));
      event.evidence = toBase64(new Uint8Array(32));
      const report = run(withFile('custody/0.json', utf8(JSON.stringify(event))));
      expect(check(report, 'custody-0-event').detail).toMatch(
        /^it is about the evidence commitment A{43}=, not this package's/,
      );
    });

    it('fails the event check of a custody event that is not canonical JSON', () => {
      const report = run(withFile('custody/0.json', utf8(` ${textOf(fixture.files.get('custody/0.json'))}`)));
      expect(check(report, 'custody-0-event').detail).toMatch(/not in its canonical form/);
    });
  });
});
