// `backup verify PACKAGE_DIR --policy POLICY.json`: checks an evidence package offline, for a
// court clerk or an auditor. It reads two things from disk and makes no network connection;
// the checks themselves are federation/src/verify, the same code as the browser page's.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeEd25519Verify } from '../../../federation/src/crypto/node.ts';
import { TrustPolicyError, parseTrustPolicy, verifyEvidencePackage } from '../../../federation/src/verify/index.ts';
import { UsageError } from './usage.ts';

export interface VerifyCommandOptions {
  /** The package's folder (the positional argument). */
  readonly package?: string;
  readonly policy?: string;
}

/** Far more than a package holds (one file, a few custody events): a wrong folder, not a package. */
export const MAX_PACKAGE_FILES = 10_000;
const MAX_DEPTH = 4;

/** Reads every regular file under `dir`, keyed by its "/"-separated path inside it. */
export async function readPackageDirectory(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const visit = async (relative: string, depth: number): Promise<void> => {
    for (const entry of await readdir(join(dir, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory() && depth < MAX_DEPTH) await visit(path, depth + 1);
      else if (entry.isFile()) {
        if (files.size >= MAX_PACKAGE_FILES)
          throw new UsageError(`${dir} holds more than ${MAX_PACKAGE_FILES} files: it is not an evidence package`);
        files.set(path, await readFile(join(dir, path)));
      } else
        throw new UsageError(`${join(dir, path)} is not a plain file; copy the package as plain files and try again`);
    }
  };
  try {
    if (!(await lstat(dir)).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    await visit('', 0);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ERR_FS_FILE_TOO_LARGE'
        ? 'a file in it is larger than this program can read (2 GiB)'
        : (error as Error).message;
    throw new UsageError(`cannot read the package folder ${dir}: ${why}`, { cause: error });
  }
  return files;
}

async function readPolicy(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new UsageError(`cannot read the policy file ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    return parseTrustPolicy(bytes);
  } catch (cause) {
    if (!(cause instanceof TrustPolicyError)) throw cause;
    throw new UsageError(`${path} is not a valid trust policy: ${cause.message}`, { cause });
  }
}

/** Prints each check and a verdict; 0 when the package verifies, 1 when it does not. */
export async function verifyCommand(
  options: VerifyCommandOptions,
  out: NodeJS.WritableStream,
  now: () => Date = () => new Date(),
): Promise<number> {
  if (!options.package || !options.policy)
    throw new UsageError('backup verify needs PACKAGE_DIR and --policy POLICY.json');
  const policy = await readPolicy(options.policy);
  const files = await readPackageDirectory(options.package);
  const report = verifyEvidencePackage(files, policy, { verify: nodeEd25519Verify(), now: now() });
  out.write(`Evidence package: ${options.package}\nTrust policy:     ${options.policy}\n\n`);
  for (const check of report.checks) out.write(`${check.ok ? '✓' : '✗'} ${check.title}: ${check.detail}\n`);
  const failed = report.checks.filter((c) => !c.ok).length;
  out.write(
    report.ok
      ? `\nVERIFIED: all ${report.checks.length} checks passed.\n`
      : `\nNOT VERIFIED: ${failed} of ${report.checks.length} checks failed (marked ✗ above).\n`,
  );
  return report.ok ? 0 : 1;
}
