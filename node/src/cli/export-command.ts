// `backup export`: the evidence package of one file for a court or an auditor, until the
// back office does this (it will call the same code). It needs the admin passphrase, since
// the package holds the decrypted file and its salt. It runs beside the node: the log is
// opened read-only, and the "exported" custody event it records is logged by the node.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BoxSecretKey, fromBase64Url, openEvidence, wipe } from '../../../client/src/envelope/index.ts';
import { evidenceCommitmentOf } from '../../../client/src/intake/index.ts';
import { type LogStore, openLogStore } from '../../../federation/src/log/index.ts';
import { equalHashes } from '../../../federation/src/merkle/index.ts';
import { nodeEd25519Verify } from '../../../federation/src/crypto/node.ts';
import { MemberList } from '../../../federation/src/membership/index.ts';
import { parseCheckpoint, parseNote } from '../../../federation/src/note/index.ts';
import {
  type CustodyInput,
  TLOG_PROOF_HEADER,
  buildEvidencePackage,
  parseTlogProof,
} from '../../../federation/src/package/index.ts';
import { custodyEvent, openCustodyEvent, sealCustodyEvent, EVIDENCE_DIR } from '../evidence/index.ts';
import { federationPaths, loadFederationIdentity, memberCosigners } from '../integrity/index.ts';
import { readKeyFile, unlockCaseKey } from '../keys/index.ts';
import { CaseStore, type EvidenceRecord } from '../store/index.ts';
import { passphraseFromStdin } from './decrypt-command.ts';
import { openFileSource } from './file-source.ts';
import { readPassphraseFile } from './node-command.ts';
import { UsageError } from './usage.ts';

export interface ExportOptions {
  readonly data?: string;
  readonly evidence?: string;
  readonly out?: string;
  readonly 'passphrase-file'?: string;
  /**
   * An earlier checkpoint of this log (a note, or a package's .tlog-proof file): the package
   * then also proves that today's checkpoint extends it, e.g. for a court that already
   * holds an earlier package.
   */
  readonly since?: string;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

export async function exportCommand(options: ExportOptions, err: NodeJS.WritableStream): Promise<number> {
  if (!options.data || !options.evidence || !options.out)
    throw new UsageError('backup export needs --data DIR --evidence ID --out DIR');
  if (!UPLOAD_ID.test(options.evidence))
    throw new UsageError(
      'an evidence id is 22 letters, digits, - or _ (the file names backup decrypt writes start with it)',
    );
  if ((await readdir(options.out).catch(() => [])).length > 0)
    throw new UsageError(`${options.out} is not empty: give a new folder for the package`);
  const keys = await readKeyFile(options.data);
  if (!keys) throw new UsageError(`${options.data} holds no node (no keys.json)`);
  const passphrase = options['passphrase-file']
    ? await readPassphraseFile(options['passphrase-file'])
    : await passphraseFromStdin(err);
  const caseKey = await unlockCaseKey(options.data, passphrase);
  const store = new CaseStore(options.data, { mustExist: true });
  const paths = federationPaths(options.data);
  const verify = nodeEd25519Verify();
  let log: LogStore | undefined;
  try {
    const upload = store.evidence(options.evidence);
    if (!upload?.complete) throw new ExportError(`no complete evidence ${options.evidence} on this node`);
    if (!upload.commitment || upload.logIndex === undefined)
      throw new ExportError('this file is not in the evidence log yet: start the node, then try again');
    const identity = await loadFederationIdentity(options.data);
    const note = await readFile(paths.checkpoint, 'utf8').catch(() => {
      throw new ExportError('the node has not published a checkpoint yet: wait a minute, then try again');
    });
    const checkpoint = parseCheckpoint(parseNote(note).text);
    const members = await MemberList.open(paths.members, verify);
    const cosigners = memberCosigners(note, members.list(), verify);
    if (members.list().length > 0 && cosigners.length === 0)
      throw new ExportError('the latest checkpoint has no cosignature yet: wait a minute, then try again');
    if (upload.logIndex >= checkpoint.size)
      throw new ExportError('the latest checkpoint does not cover this file yet: wait a minute, then try again');
    log = await openLogStore(paths.log, { readOnly: true });
    if (log.size < checkpoint.size || !equalHashes(log.root(checkpoint.size), checkpoint.root))
      throw new ExportError('the log on disk does not match its own latest checkpoint: do not export; ask for help');

    const opened = await decrypt(options.data, upload, caseKey);
    const commitment = evidenceCommitmentOf(opened.metadata);
    if (!equalHashes(commitment, upload.commitment))
      throw new ExportError('this file does not match the commitment in the log: it cannot be exported as evidence');

    const custody: CustodyInput[] = [];
    for (const record of store.custodyEventsOf(upload.id)) {
      if (record.logIndex === undefined || record.logIndex >= checkpoint.size) continue;
      const { salt, event } = openCustodyEvent(record.sealed, caseKey);
      custody.push({
        event,
        salt,
        index: record.logIndex,
        proof: log.inclusionProof(record.logIndex, checkpoint.size),
      });
    }
    const earlier = options.since ? await earlierCheckpoint(options.since) : undefined;
    const consistency = earlier && [{ from: earlier.note, proof: log.consistencyProof(earlier.size, checkpoint.size) }];
    const files = buildEvidencePackage({
      created: new Date(),
      logVerifierKey: identity.logVerifierKey,
      file: opened.bytes,
      name: opened.metadata.name,
      type: opened.metadata.type,
      salt: fromBase64Url(opened.metadata.salt),
      checkpoint: note,
      index: upload.logIndex,
      proof: log.inclusionProof(upload.logIndex, checkpoint.size),
      custody,
      ...(consistency && { consistency }),
    });
    for (const [path, bytes] of files) {
      await mkdir(dirname(join(options.out, path)), { recursive: true, mode: 0o700 });
      await writeFile(join(options.out, path), bytes, { mode: 0o600 });
    }
    // The export itself is part of the chain of custody; the node logs it within a minute.
    store.addCustodyEvent(
      sealCustodyEvent(upload.id, custodyEvent('exported', commitment, identity.origin), keys.casePublicKey),
    );
    err.write(
      `Wrote the evidence package to ${options.out} (${files.size} files; entry ${upload.logIndex} of ` +
        `${checkpoint.size}, ${custody.length} custody event(s), cosigned by ${cosigners.length} member(s)).\n` +
        'It holds the decrypted file: keep it as safe as the case. To check it:\n' +
        `  backup verify ${options.out} --policy POLICY.json\n`,
    );
    return 0;
  } finally {
    await log?.close();
    store.close();
    wipe(caseKey);
  }
}

/** The whole plaintext file (packages are built in memory) and its checked metadata. */
async function decrypt(dataDir: string, upload: EvidenceRecord, caseKey: BoxSecretKey) {
  const source = await openFileSource(join(dataDir, EVIDENCE_DIR, upload.id));
  try {
    const opened = await openEvidence(source, caseKey);
    const parts: Uint8Array[] = [];
    for await (const chunk of opened.chunks()) parts.push(chunk);
    const bytes = new Uint8Array(Buffer.concat(parts));
    if (createHash('sha256').update(bytes).digest('hex') !== opened.metadata.sha256)
      throw new ExportError(`evidence ${upload.id} does not match the SHA-256 its sender recorded`);
    return { metadata: opened.metadata, bytes };
  } finally {
    await source.close();
  }
}

/** The checkpoint in a note file or a .tlog-proof file, no larger than the log's now. */
async function earlierCheckpoint(path: string): Promise<{ note: string; size: number }> {
  const text = await readFile(path, 'utf8');
  const note = text.startsWith(TLOG_PROOF_HEADER) ? parseTlogProof(text).checkpoint : text;
  const { size } = parseCheckpoint(parseNote(note).text);
  if (size === 0) throw new ExportError('the earlier checkpoint is of an empty log: nothing to prove');
  return { note, size };
}
