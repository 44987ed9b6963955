import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeEd25519Signer } from '../../../federation/src/crypto/node.ts';
import { NOW, makePackageFixture } from '../../../federation/src/verify/fixture.testing.ts';
import { main } from './main.ts';
import { UsageError } from './usage.ts';
import { readPackageDirectory, verifyCommand } from './verify-command.ts';

const fixture = makePackageFixture(nodeEd25519Signer);

function sink(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(stream, { text: () => text });
}

async function writePackage(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

describe('backup verify', () => {
  let dir: string;
  let good: string;
  let tampered: string;
  let policy: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-verify-'));
    good = join(dir, 'good');
    tampered = join(dir, 'tampered');
    await writePackage(good, fixture.files);
    await writePackage(tampered, fixture.files);
    const evidence = new Uint8Array(fixture.files.get('evidence/témoignage 1.mp4')!);
    evidence[100]! ^= 1;
    await writeFile(join(tampered, 'evidence/témoignage 1.mp4'), evidence);
    policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify(fixture.policy()));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const verify = async (options: Parameters<typeof verifyCommand>[0]) => {
    const out = sink();
    const code = await verifyCommand(options, out, () => NOW);
    return { code, lines: out.text().trimEnd().split('\n') };
  };

  describe('when the package verifies', () => {
    it('prints a ✓ line per check and VERIFIED, and exits 0', async () => {
      const { code, lines } = await verify({ package: good, policy });
      expect(code).toBe(0);
      expect(lines[0]).toBe(`Evidence package: ${good}`);
      const checks = lines.filter((l) => /^[✓✗] /.test(l));
      expect(checks).toHaveLength(16);
      expect(checks.every((l) => l.startsWith('✓ '))).toBe(true);
      expect(checks).toContain(
        '✓ The evidence file\'s size: "evidence/témoignage 1.mp4" is 3000 bytes, as the package says.',
      );
      expect(lines.at(-1)).toBe('VERIFIED: all 16 checks passed.');
    });
  });

  describe('when the evidence file was changed', () => {
    it('marks the failed checks with ✗ and their reasons, says NOT VERIFIED, and exits 1', async () => {
      const { code, lines } = await verify({ package: tampered, policy });
      expect(code).toBe(1);
      expect(lines.filter((l) => l.startsWith('✗ ')).map((l) => l.slice(0, l.indexOf(':')))).toEqual([
        "✗ The evidence file's SHA-256",
        '✗ The salted commitment to the file',
      ]);
      expect(lines.find((l) => l.startsWith("✗ The evidence file's SHA-256"))).toMatch(
        /the file's SHA-256 is [0-9a-f]{64}; the package says [0-9a-f]{64}$/,
      );
      expect(lines.at(-1)).toBe('NOT VERIFIED: 2 of 16 checks failed (marked ✗ above).');
    });
  });

  describe('when it is used wrongly', () => {
    it.each([
      [{ package: undefined, policy: 'p.json' }, /needs PACKAGE_DIR and --policy/],
      [{ package: 'x', policy: undefined }, /needs PACKAGE_DIR and --policy/],
      [{ package: '/nonexistent/package', policy: 'POLICY' }, /cannot read the policy file POLICY/],
    ])('refuses %o with a usage error', async (options, message) => {
      await expect(verifyCommand(options, sink())).rejects.toThrow(UsageError);
      await expect(verifyCommand(options, sink())).rejects.toThrow(message);
    });

    it('refuses a folder that does not exist, and a policy that is not one', async () => {
      await expect(verify({ package: join(dir, 'none'), policy })).rejects.toThrow(/cannot read the package folder/);
      const bad = join(dir, 'bad-policy.json');
      await writeFile(bad, JSON.stringify({ ...fixture.policy(), quorum: 9 }));
      await expect(verify({ package: good, policy: bad })).rejects.toThrow(
        /is not a valid trust policy: the policy needs 9 cosignatures but trusts only 4 witnesses/,
      );
    });

    it('refuses links in the package rather than follow them', async () => {
      const linked = join(dir, 'linked');
      await writePackage(linked, fixture.files);
      await symlink('/etc/hostname', join(linked, 'evidence/link'));
      await expect(readPackageDirectory(linked)).rejects.toThrow(/is not a plain file/);
    });

    it.each([
      [['verify']],
      [['verify', 'a', 'b', '--policy', 'p']],
      [['verify', 'folder', '--policy']],
      [['verify', 'folder', '--key', 'k']],
    ])('exits 2 from the command line for %o', async (argv) => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await main(argv, {})).toBe(2);
        expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('Run "backup help" for usage.');
      } finally {
        stderr.mockRestore();
      }
    });

    it('lists the command in the usage text', async () => {
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await main(['help'], {})).toBe(0);
        expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toContain(
          'backup verify  PACKAGE_DIR --policy POLICY.json',
        );
      } finally {
        stdout.mockRestore();
      }
    });
  });
});
