// `backup decrypt`: the admin's way to read what the node holds, until the back office
// does it in the caseworker's browser. It writes plaintext only where the admin says.
import { createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import {
  type BoxSecretKey,
  type EvidenceMetadata,
  type MessageDocument,
  type SealedMessage,
  type SealedReport,
  openEvidence,
  openMessage,
  openReport,
  wipe,
} from '../../../client/src/envelope/index.ts';
import { evidenceCommitmentOf } from '../../../client/src/intake/index.ts';
import { custodyCommitment } from '../../../federation/src/commitment/index.ts';
import { EVIDENCE_DIR, openCustodyEvent } from '../evidence/index.ts';
import { unlockCaseKey } from '../keys/index.ts';
import { type CaseRecord, CaseStore, type CustodyEventRecord, type MessageRecord } from '../store/index.ts';
import { openFileSource } from './file-source.ts';
import { readPassphraseFile } from './node-command.ts';
import { UsageError } from './usage.ts';

export interface DecryptOptions {
  readonly data?: string;
  readonly out?: string;
  readonly 'passphrase-file'?: string;
}

export async function passphraseFromStdin(err: NodeJS.WritableStream): Promise<string> {
  // On a terminal, ask, and keep what is typed off the screen.
  const tty = process.stdin.isTTY === true;
  if (tty) err.write('Admin passphrase (not shown): ');
  const lines = createInterface({
    input: process.stdin,
    terminal: tty,
    output: tty ? new Writable({ write: (_c, _e, done) => done() }) : undefined,
  });
  for await (const line of lines) {
    if (tty) err.write('\n');
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
    : await passphraseFromStdin(err);
  const folders: Folders = { data: options.data, out: options.out };
  const caseKey = await unlockCaseKey(folders.data, passphrase);
  const store = new CaseStore(options.data, { readonly: true });
  let problems = 0;
  try {
    await mkdir(options.out, { recursive: true, mode: 0o700 });
    for (const record of store.allCases()) {
      // Reports come from anonymous senders: one that does not open must not stop the rest.
      try {
        problems += await decryptCase(record, store, folders, caseKey, err);
      } catch (error) {
        problems++;
        err.write(`case ${record.id}: cannot be opened: ${(error as Error).message}\n`);
      }
      problems += await decryptThread(record.id, store.messagesOfCase(record.id), folders, caseKey, err);
    }
  } finally {
    store.close();
    wipe(caseKey);
  }
  err.write(`Decrypted into ${options.out}${problems ? `, with ${problems} problem(s) listed above` : ''}.\n`);
  return problems === 0 ? 0 : 1;
}

interface Folders {
  readonly data: string;
  readonly out: string;
}

/**
 * Writes one case's report and evidence; throws on the first thing that does not open.
 * Returns how many files do not match their logged commitment (each one warned about).
 */
async function decryptCase(
  record: CaseRecord,
  store: CaseStore,
  folders: Folders,
  caseKey: BoxSecretKey,
  err: NodeJS.WritableStream,
): Promise<number> {
  let mismatches = 0;
  const dir = join(folders.out, record.id);
  await mkdir(join(dir, 'evidence'), { recursive: true, mode: 0o700 });
  const report = await openReport(JSON.parse(record.envelope) as SealedReport, caseKey);
  const summary = {
    status: record.status,
    receivedHour: record.receivedHour,
    shared: JSON.parse(record.shared) as unknown,
    report,
  };
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  for (const item of store.evidenceOfCase(record.id)) {
    if (!item.complete) {
      const state = item.expired ? 'was left unfinished and expired' : 'is still uploading';
      err.write(`case ${record.id}: evidence ${item.id} ${state}; skipped\n`);
      continue;
    }
    const source = await openFileSource(join(folders.data, EVIDENCE_DIR, item.id));
    try {
      const opened = await openEvidence(source, caseKey);
      const target = join(dir, 'evidence', `${item.id}-${safeFileName(opened.metadata.name)}`);
      const digest = await writeChunks(target, opened.chunks());
      const verified = digest === opened.metadata.sha256;
      const commitment = checkCommitment(item.commitment, opened.metadata);
      const custody = store.custodyEventsOf(item.id).map((event) => openCustody(event, caseKey, item.commitment));
      const facts = { verifiedSha256: verified, commitment, logIndex: item.logIndex ?? null, custody };
      await writeFile(`${target}.json`, `${JSON.stringify({ ...opened.metadata, ...facts }, null, 2)}\n`, {
        mode: 0o600,
      });
      if (!verified) throw new Error(`evidence ${item.id} does not match the SHA-256 its sender recorded`);
      const where = `case ${record.id}: evidence ${item.id}`;
      if (commitment.matches === false) {
        mismatches++;
        err.write(
          `\nWARNING: ${where}: the commitment in the evidence log does NOT match this file.\n` +
            `  logged: ${commitment.logged}\n  from the file: ${commitment.fromFile}\n` +
            '  The log cannot vouch for this file: do not put it in an evidence package.\n\n',
        );
      } else if (commitment.matches === true) {
        const logged = item.logIndex === undefined ? 'not in the log yet' : `entry ${item.logIndex} of the log`;
        err.write(`${where}: matches its commitment, ${logged}\n`);
      } else {
        err.write(`${where}: no commitment was recorded (uploaded before the evidence log)\n`);
      }
      if (custody.some((event) => !event.consistent)) {
        mismatches++;
        err.write(`\nWARNING: ${where}: a custody event does not match its logged commitment (see ${target}.json)\n\n`);
      }
    } finally {
      await source.close();
    }
  }
  return mismatches;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The commitment logged for an upload against the one its decrypted metadata gives. */
function checkCommitment(logged: Uint8Array | undefined, metadata: EvidenceMetadata) {
  let fromFile: string;
  try {
    fromFile = base64(evidenceCommitmentOf(metadata));
  } catch (error) {
    // The metadata came from the uploader: a type the commitment cannot hold is a mismatch.
    fromFile = `none: ${(error as Error).message}`;
  }
  if (!logged) return { logged: null, fromFile, matches: null };
  return { logged: base64(logged), fromFile, matches: base64(logged) === fromFile };
}

/** A custody event opened with the case key, with its salt, and whether it is what was logged. */
function openCustody(record: CustodyEventRecord, caseKey: BoxSecretKey, evidence: Uint8Array | undefined) {
  const logged = { commitment: base64(record.commitment), logIndex: record.logIndex ?? null };
  try {
    const { salt, event } = openCustodyEvent(record.sealed, caseKey);
    const text = new TextDecoder().decode(event);
    const about = (JSON.parse(text) as { evidence?: unknown }).evidence;
    const consistent =
      base64(custodyCommitment(salt, event)) === logged.commitment && !!evidence && about === base64(evidence);
    return { event: text, salt: base64(salt), ...logged, consistent };
  } catch (error) {
    return { unreadable: (error as Error).message, ...logged, consistent: false };
  }
}

/** One message opened with the case key, or why it does not open. */
async function openThreadMessage(
  record: MessageRecord,
  caseKey: BoxSecretKey,
): Promise<{ readonly text: string; readonly sentAt?: string } | { readonly unreadable: string }> {
  let document: MessageDocument;
  // Reporters' messages come from anonymous senders: hostile until opened and checked.
  try {
    document = await openMessage(JSON.parse(record.envelope) as SealedMessage, caseKey, 'case');
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
  if (document.author !== record.author)
    return { unreadable: `it says it is from the ${document.author} but came from the ${record.author}` };
  return document.sentAt === undefined ? { text: document.text } : { text: document.text, sentAt: document.sentAt };
}

/**
 * Writes a case's thread to messages.json, oldest first. A message that does not open is
 * listed there as unreadable, and counted, without stopping the others.
 */
async function decryptThread(
  caseId: string,
  messages: readonly MessageRecord[],
  folders: Folders,
  caseKey: BoxSecretKey,
  err: NodeJS.WritableStream,
): Promise<number> {
  const dir = join(folders.out, caseId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let problems = 0;
  const thread = [];
  for (const m of messages) {
    const opened = await openThreadMessage(m, caseKey);
    if ('unreadable' in opened) {
      problems++;
      err.write(`case ${caseId}: message ${m.id} cannot be opened: ${opened.unreadable}\n`);
    }
    thread.push({ id: m.id, author: m.author, receivedHour: m.receivedHour, ...opened });
  }
  await writeFile(join(dir, 'messages.json'), `${JSON.stringify(thread, null, 2)}\n`, { mode: 0o600 });
  return problems;
}

/** Writes the chunks to `path` and returns their SHA-256 (hex). */
async function writeChunks(path: string, chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  const output = await open(path, 'w', 0o600);
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      await output.write(chunk);
    }
  } finally {
    await output.close();
  }
  return hash.digest('hex');
}
