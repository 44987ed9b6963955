// The offline verifier page for auditors and court clerks: choose a package and a trust
// policy, see every check. It runs federation/src/verify in the page with tweetnacl, sends
// nothing and stores nothing; the node serves it with a policy that forbids any connection.
// Everything shown from a package is set as text, never as markup.
import { portableEd25519Verify } from '../../../federation/src/crypto/index.ts';
import {
  TrustPolicyError,
  type VerificationReport,
  parseTrustPolicy,
  verifyEvidencePackage,
} from '../../../federation/src/verify/index.ts';
import { packageFiles } from './files.ts';

export interface VerifierPageOptions {
  /** The time of verification (cosignatures dated far ahead of it do not count). */
  readonly now?: () => Date;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

/** ARIA as attributes: the reflected properties are missing from some browsers still in use. */
function aria<T extends Element>(node: T, attributes: Record<string, string>): T {
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function fileInput(label: string, hint: string, properties: Partial<HTMLInputElement>) {
  const input = element('input', { type: 'file', ...properties });
  const hintNode = element('span', { className: 'hint' }, hint);
  return { input, label: element('label', {}, element('span', { className: 'label' }, label), hintNode, input) };
}

export function renderReport(list: HTMLOListElement, report: VerificationReport): void {
  list.replaceChildren(
    ...report.checks.map((check) =>
      element(
        'li',
        { className: check.ok ? 'check pass' : 'check fail' },
        aria(element('span', { className: 'mark' }, check.ok ? '✓' : '✗'), { 'aria-hidden': 'true' }),
        element('span', { className: 'visually-hidden' }, check.ok ? 'Passed: ' : 'Failed: '),
        element('strong', {}, check.title),
        ' ',
        element('span', { className: 'detail' }, check.detail),
      ),
    ),
  );
}

export function verdict(report: VerificationReport): string {
  const failed = report.checks.filter((c) => !c.ok).length;
  return report.ok
    ? `Verified: all ${report.checks.length} checks passed.`
    : `Not verified: ${failed} of ${report.checks.length} checks failed. The reasons are listed below.`;
}

/** Builds the page inside `root` and wires it up. */
export function mountVerifier(root: HTMLElement, options: VerifierPageOptions = {}): void {
  const now = options.now ?? (() => new Date());
  const folder = fileInput('The package’s folder', 'Choose the folder that holds package.json.', {
    webkitdirectory: true,
    multiple: true,
    name: 'folder',
  });
  const loose = fileInput('Or all of the package’s files', 'If your browser cannot choose a folder.', {
    multiple: true,
    name: 'files',
  });
  const policy = fileInput(
    'Trust policy',
    'A .json file from a source you trust (the court, or the federation’s published list), never from whoever gave you the package.',
    { accept: '.json,application/json', name: 'policy' },
  );
  const status = aria(element('p', { className: 'status' }), { role: 'status' });
  const list = element('ol', { className: 'checks' });
  const form = element(
    'form',
    { noValidate: true },
    element('fieldset', {}, element('legend', {}, 'Evidence package'), folder.label, loose.label),
    policy.label,
    element('button', { type: 'submit' }, 'Verify'),
  );
  root.replaceChildren(
    element('h1', {}, 'Verify an evidence package'),
    element(
      'p',
      {},
      'Everything happens in this browser: the files you choose are not sent anywhere, and nothing is kept. ',
      'You may disconnect from the network before you choose them.',
    ),
    form,
    aria(element('section', {}, element('h2', { id: 'verify-result' }, 'Result'), status, list), {
      'aria-labelledby': 'verify-result',
    }),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      list.replaceChildren();
      // A folder, when one was chosen; the loose files otherwise (never a mix of both).
      const chosen = [...((folder.input.files?.length ? folder.input.files : loose.input.files) ?? [])];
      const policyFile = policy.input.files?.[0];
      status.className = 'status';
      if (chosen.length === 0 || !policyFile) {
        status.textContent = policyFile
          ? 'Choose the package’s folder, or all of its files.'
          : 'Choose the trust policy file.';
        return;
      }
      status.textContent = 'Verifying…';
      // Lets the page show that before the checks, which hold the thread for a moment.
      await new Promise((resolve) => setTimeout(resolve, 0));
      try {
        const trust = parseTrustPolicy(new Uint8Array(await policyFile.arrayBuffer()));
        const report = verifyEvidencePackage(await packageFiles(chosen), trust, {
          verify: portableEd25519Verify,
          now: now(),
        });
        renderReport(list, report);
        status.textContent = verdict(report);
        status.className = report.ok ? 'status pass' : 'status fail';
      } catch (error) {
        status.className = 'status fail';
        const policyProblem = error instanceof TrustPolicyError;
        status.textContent = policyProblem
          ? `Not verified: the trust policy file is not valid (${error.message}).`
          : `Not verified: ${(error as Error).message}.`;
      }
    })();
  });
}
