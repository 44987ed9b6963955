// The offline verifier in a real Chromium: the package is built here in the page, signed
// with tweetnacl keys, and checked with portableEd25519Verify; the page fetches nothing.
import nacl from 'tweetnacl';
import { portableEd25519Verify } from '../../../federation/src/crypto/index.ts';
import { NOW, makePackageFixture } from '../../../federation/src/verify/fixture.testing.ts';
import { verifyEvidencePackage } from '../../../federation/src/verify/index.ts';
import { equal, ok } from '../../test-support/assert.ts';
import { describe, it } from '../../test-support/mocha.ts';
import { packageFiles } from './files.ts';
import { mountVerifier } from './page.ts';

const fixture = makePackageFixture((seed) => {
  const keys = nacl.sign.keyPair.fromSeed(seed);
  return { publicKey: keys.publicKey, sign: (message) => nacl.sign.detached(message, keys.secretKey) };
});
const EVIDENCE = 'evidence/témoignage 1.mp4';

function tampered(): Map<string, Uint8Array> {
  const files = new Map(fixture.files);
  const evidence = files.get(EVIDENCE)!.slice();
  evidence[10]! ^= 1;
  return files.set(EVIDENCE, evidence);
}

/** Files as a folder picker gives them: each knows its path under the folder chosen. */
function asFolder(files: ReadonlyMap<string, Uint8Array>, folder: string): File[] {
  return [...files].map(([path, bytes]) => {
    const file = new File([bytes as Uint8Array<ArrayBuffer>], path.slice(path.lastIndexOf('/') + 1));
    Object.defineProperty(file, 'webkitRelativePath', { value: `${folder}/${path}` });
    return file;
  });
}

const asLooseFiles = (files: ReadonlyMap<string, Uint8Array>) =>
  [...files].map(
    ([path, bytes]) => new File([bytes as Uint8Array<ArrayBuffer>], path.slice(path.lastIndexOf('/') + 1)),
  );

function choose(input: HTMLInputElement, files: readonly File[]): void {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  ok(condition(), 'the page did not finish');
}

describe('the offline verifier in a browser', () => {
  it('verifies a package with tweetnacl', () => {
    const report = verifyEvidencePackage(fixture.files, fixture.policy(), { verify: portableEd25519Verify, now: NOW });
    equal(
      report.checks
        .filter((c) => !c.ok)
        .map((c) => c.id)
        .join(', '),
      '',
    );
    equal(report.ok, true);
    equal(report.checks.length, 16);
  });

  it('fails a package whose evidence was changed, on the file’s hash', () => {
    const report = verifyEvidencePackage(tampered(), fixture.policy(), { verify: portableEd25519Verify, now: NOW });
    equal(report.ok, false);
    equal(
      report.checks
        .filter((c) => !c.ok)
        .map((c) => c.id)
        .join(', '),
      'evidence-sha256, evidence-commitment',
    );
  });

  it('reads a chosen folder, and loose files, as the package’s paths', async () => {
    const fromFolder = await packageFiles(asFolder(fixture.files, 'package-2026'));
    equal([...fromFolder.keys()].sort().join(' '), [...fixture.files.keys()].sort().join(' '));
    const fromLoose = await packageFiles(asLooseFiles(fixture.files));
    equal([...fromLoose.keys()].sort().join(' '), [...fixture.files.keys()].sort().join(' '));
  });

  it('shows every check, announces the verdict, and fetches nothing', async () => {
    const root = document.createElement('main');
    document.body.append(root);
    mountVerifier(root, { now: () => NOW });
    const [, loose, policy] = [...root.querySelectorAll('input')];
    ok(loose && policy, 'the page has its file inputs');
    for (const input of root.querySelectorAll('input')) ok(input.closest('label'), 'every input has a label');
    const status = root.querySelector('[role=status]')!;
    const requests = performance.getEntriesByType('resource').length;

    choose(loose, asLooseFiles(fixture.files));
    choose(policy, [new File([JSON.stringify(fixture.policy())], 'policy.json', { type: 'application/json' })]);
    root.querySelector('form')!.requestSubmit();
    await until(() => status.textContent!.startsWith('Verified') || status.textContent!.startsWith('Not'));
    equal(status.textContent, 'Verified: all 16 checks passed.');
    const items = [...root.querySelectorAll('ol li')];
    equal(items.length, 16);
    ok(
      items.every((li) => li.textContent!.startsWith('✓Passed: ')),
      'each check says it passed, in words too',
    );

    choose(loose, asLooseFiles(tampered()));
    root.querySelector('form')!.requestSubmit();
    await until(() => status.textContent!.startsWith('Not verified'));
    equal(status.textContent, 'Not verified: 2 of 16 checks failed. The reasons are listed below.');
    const failed = [...root.querySelectorAll('ol li.fail')].map((li) => li.textContent!);
    equal(failed.length, 2);
    ok(/^✗Failed: The evidence file's SHA-256 the file's SHA-256 is [0-9a-f]{64}; the package says/.test(failed[0]!));
    equal(performance.getEntriesByType('resource').length, requests, 'no request was made');
    root.remove();
  });

  it('says so when the policy file is not a trust policy', async () => {
    const root = document.createElement('main');
    document.body.append(root);
    mountVerifier(root, { now: () => NOW });
    const [, loose, policy] = [...root.querySelectorAll('input')];
    choose(loose!, asLooseFiles(fixture.files));
    choose(policy!, [new File(['{"v":1}'], 'policy.json')]);
    root.querySelector('form')!.requestSubmit();
    const status = root.querySelector('[role=status]')!;
    await until(() => status.textContent!.startsWith('Not verified'));
    equal(
      status.textContent,
      'Not verified: the trust policy file is not valid (the policy lacks logs, witnesses, quorum).',
    );
    root.remove();
  });
});
