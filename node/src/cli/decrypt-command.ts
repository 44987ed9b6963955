// `backup decrypt`: the admin's way to read what the node holds, until the back office
// does it in the caseworker's browser. It writes plaintext only where the admin says.
import { createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type SealedReport, openEvidence, openReport, wipe } from '../../../client/src/envelope/index.ts';
import { EVIDENCE_DIR } from '../evidence/index.ts';
import { unlockCaseKey } from '../keys/index.ts';
import { CaseStore } from '../store/index.ts';
import { openFileSource } from './file-source.ts';
import { readPassphraseFile } from './node-command.ts';
import { UsageError } from './usage.ts';

export interface DecryptOptions {
  readonly data?: string;
  readonly out?: string;
  readonly 'passphrase-file'?: string;
}

async function passphraseFromStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  throw new UsageError('no passphrase on standard input');
}

/** A file name from an anonymous reporter, made safe to write: no folders, no dot files. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 100);
  return cleaned || 'evidence';
}

export async function decryptCommand(options: DecryptOptions, err: NodeJS.WritableStream): Promise<number> {
  if (!options.data || !options.out) throw new UsageError('backup decrypt needs --data DIR and --out DIR');
  const passphrase = options['passphrase-file']
    ? await readPassphraseFile(options['passphrase-file'])
    : await passphraseFromStdin();
  const caseKey = await unlockCaseKey(options.data, passphrase);
  const store = new CaseStore(options.data);
  let problems = 0;
  try {
    await mkdir(options.out, { recursive: true, mode: 0o700 });
    for (const record of store.allCases()) {
      const dir = join(options.out, record.id);
      await mkdir(join(dir, 'evidence'), { recursive: true, mode: 0o700 });
      const report = await openReport(JSON.parse(record.envelope) as SealedReport, caseKey);
      const summary = {
        status: record.status,
        receivedHour: record.receivedHour,
        shared: JSON.parse(record.shared) as unknown,
        report,
      };
      await writeFile(join(dir, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
      for (const evidence of store.evidenceOfCase(record.id)) {
        if (!evidence.complete) {
          err.write(`case ${record.id}: evidence ${evidence.id} is still uploading; skipped\n`);
          continue;
        }
        const source = await openFileSource(join(options.data, EVIDENCE_DIR, evidence.id));
        try {
          const opened = await openEvidence(source, caseKey);
          const target = join(dir, 'evidence', `${evidence.id}-${safeFileName(opened.metadata.name)}`);
          const hash = createHash('sha256');
          const output = await open(target, 'w', 0o600);
          try {
            for await (const chunk of opened.chunks()) {
              hash.update(chunk);
              await output.write(chunk);
            }
          } finally {
            await output.close();
          }
          const digest = hash.digest('hex');
          await writeFile(
            `${target}.json`,
            `${JSON.stringify({ ...opened.metadata, verifiedSha256: digest === opened.metadata.sha256 }, null, 2)}\n`,
            { mode: 0o600 },
          );
          if (digest !== opened.metadata.sha256) {
            problems++;
            err.write(`case ${record.id}: evidence ${evidence.id} does not match the SHA-256 its sender recorded\n`);
          }
        } catch (error) {
          problems++;
          err.write(`case ${record.id}: evidence ${evidence.id} cannot be opened: ${(error as Error).message}\n`);
        } finally {
          await source.close();
        }
      }
    }
  } finally {
    store.close();
    wipe(caseKey);
  }
  err.write(`Decrypted into ${options.out}.\n`);
  return problems === 0 ? 0 : 1;
}
