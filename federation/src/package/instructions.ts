// VERIFY.txt: how a court clerk or an auditor checks a package, in plain English, with the
// package's own values. Nothing checks this text itself; every fact in it is in package.json
// and the proofs, and the commands recompute them from the files.
import { type Checkpoint, type NoteSignature, readTimestamp, toBase64 } from '../note/index.ts';
import type { CustodyEventKind } from './custody-event.ts';
import type { PackageManifest } from './manifest.ts';
import { quoted, shellQuoted } from './text.ts';

export interface InstructionFacts {
  readonly manifest: PackageManifest;
  readonly checkpoint: Checkpoint;
  readonly index: number;
  /** The checkpoint's signature lines other than the log's (the witnesses' cosignatures). */
  readonly signatures: readonly NoteSignature[];
  readonly custody: readonly {
    readonly kind: CustodyEventKind;
    readonly at: string;
    readonly index: number;
    /** The log entry, base64: custodyCommitment(salt, event bytes). */
    readonly commitment: string;
  }[];
  readonly verifyPageUrl?: string;
}

const COSIGNATURE_BYTES = 72;

function cosigners(signatures: readonly NoteSignature[]): string[] {
  if (signatures.length === 0) return ['  (none: the checkpoint carries no cosignature)'];
  return signatures.map((s) => {
    const time =
      s.signature.length === COSIGNATURE_BYTES
        ? ` at ${new Date(readTimestamp(s.signature) * 1000).toISOString().replace('.000Z', 'Z')}`
        : '';
    return `  - ${s.name}${time}`;
  });
}

function custodyLines(facts: InstructionFacts): string[] {
  if (facts.custody.length === 0) return ['  (none)'];
  return facts.custody.map(
    (c, n) => `  - custody/${n}.json: "${c.kind}" at ${c.at}, log entry ${c.index} (proof: custody/${n}.tlog-proof)`,
  );
}

export function formatInstructions(facts: InstructionFacts): string {
  const { manifest: m, checkpoint: cp } = facts;
  const e = m.evidence;
  const file = shellQuoted(e.file);
  const page = facts.verifyPageUrl ?? 'the /verify page of a BackUp node (for example https://node.example/verify)';
  const commitmentCommand =
    `{ printf 'backup/evidence-commitment/v1\\n'; printf '%s' '${e.salt}' | openssl base64 -d -A; ` +
    `openssl dgst -sha256 -binary ${file}; printf 'type %s\\nsize %s\\n' ${shellQuoted(e.type)} ${e.size} ` +
    `| openssl dgst -sha256 -binary; } | openssl dgst -sha256 -binary | openssl base64 -A; echo`;
  const custodyCommands = m.custody.flatMap((c, n) => [
    `     custody/${n}.json must give ${facts.custody[n]?.commitment ?? '(unknown)'}:`,
    `     $ { printf 'backup/custody-event/v1\\n'; printf '%s' '${c.salt}' | openssl base64 -d -A; ` +
      `openssl dgst -sha256 -binary ${c.event}; } | openssl dgst -sha256 -binary | openssl base64 -A; echo`,
  ]);
  const contents: [string, string][] = [
    [e.file, 'the evidence file, exactly as it was submitted'],
    ['evidence.tlog-proof', "proof that the log holds the file's commitment (a C2SP tlog-proof)"],
    ['custody/', 'custody events and their proofs, listed below'],
    ['package.json', 'the facts below, for programs'],
    ['VERIFY.txt', 'this text (an explanation only: it is not evidence and proves nothing)'],
  ];
  const width = Math.max(...contents.map(([path]) => path.length)) + 2;
  return [
    'BACKUP EVIDENCE PACKAGE: HOW TO VERIFY IT',
    '',
    `This folder was made on ${m.created} by a BackUp node whose public transparency log`,
    `is ${quoted(cp.origin)}.`,
    'It holds one evidence file and the proofs that this log recorded it. Anyone can check',
    'those proofs, without the node and without a network connection.',
    '',
    'WHAT IS IN THIS FOLDER',
    ...contents.map(([path, what]) => `  ${path.padEnd(width)}${what}`),
    '',
    'THE FACTS TO CHECK',
    `  File:                 ${e.file} (${e.size} bytes, media type ${quoted(e.type)})`,
    `  File SHA-256:         ${e.sha256}`,
    `  Salt:                 ${e.salt}`,
    `  Commitment:           ${e.commitment}`,
    `  Log:                  ${quoted(cp.origin)}`,
    `  Log public key:       ${m.log.verifierKey}`,
    `  Log entry:            number ${facts.index} (counting from 0) of ${cp.size} entries`,
    `  Log root hash:        ${toBase64(cp.root)}`,
    `  Name given by the reporter's device (not proved by anything): ${quoted(e.name)}`,
    '  Cosignatures on the checkpoint (witnesses, and when they saw it):',
    ...cosigners(facts.signatures),
    '  Custody events:',
    ...custodyLines(facts),
    '',
    'WHAT A SUCCESSFUL VERIFICATION PROVES',
    `  1. The file in ${e.file} is, bit for bit, the file whose commitment is entry ${facts.index}`,
    "     of the log. The commitment is a SHA-256 hash of a secret salt, the file's SHA-256, its",
    '     media type and its size; the salt keeps the public log from revealing which file it holds.',
    '  2. The log signed a checkpoint (a summary of its first entries) that contains that entry,',
    '     and the witnesses listed above cosigned the same checkpoint. A witness cosigns only a',
    '     checkpoint that extends every one it saw before, so the log cannot remove or change the',
    '     entry later without it being detected. The entry existed no later than the time of the',
    '     cosignatures.',
    '  3. Each custody event listed above was recorded in the same log, about this same file.',
    '',
    'WHAT IT DOES NOT PROVE',
    '  - Who made the file, what it shows, whether it is authentic, or whether it was edited',
    '    before it was submitted. Reports are anonymous: it does not prove who submitted it.',
    '  - The exact time of submission: only "no later than" the cosignature times. The times in',
    '    custody events are stated by the node, not by the witnesses.',
    '  - The file name and the "created" date in package.json: no proof covers them.',
    '  - Anything about files in this folder that are not listed above.',
    '  - That the keys are the right ones. That is decided by the TRUST POLICY you verify against:',
    "    the log's public key, the witnesses' public keys and how many cosignatures to require.",
    "    Obtain it from a source you trust (the court, or the federation's published list), never",
    '    from the person who handed you this package. A package does not contain a policy.',
    '',
    'HOW TO VERIFY: WITH THE BACKUP PROGRAM',
    '  $ backup verify PATH/TO/THIS/FOLDER --policy POLICY.json',
    '  It prints one line per check, with ✓ or ✗ and the reason, and a last line that says',
    '  VERIFIED or NOT VERIFIED. It makes no network connection.',
    '',
    'HOW TO VERIFY: IN A WEB BROWSER, WITHOUT INSTALLING ANYTHING',
    `  Open ${page}`,
    '  Once the page is loaded it makes no network request and stores nothing: you may disconnect',
    '  before choosing files. Choose this folder and the policy file; the page lists every check',
    '  with its result.',
    '',
    'HOW TO VERIFY BY HAND, WITH STANDARD TOOLS (run in this folder)',
    '  1. The file\'s SHA-256. This must print the "File SHA-256" above:',
    `     $ sha256sum ${file}`,
    '  2. The commitment, recomputed from the salt, the file, its media type and size. This must',
    '     print the "Commitment" above:',
    `     $ ${commitmentCommand}`,
    '  3. The log entry is the 32 bytes of the commitment; its leaf hash is SHA-256(0x00 followed by',
    '     those bytes), as in RFC 9162 section 2.1.1. evidence.tlog-proof is in the C2SP tlog-proof',
    '     format (https://c2sp.org/tlog-proof): its "index" line, then the inclusion proof (RFC 9162',
    "     section 2.1.3), then the checkpoint (https://c2sp.org/tlog-checkpoint) with the log's",
    "     signature (https://c2sp.org/signed-note, Ed25519) and the witnesses' cosignatures",
    '     (https://c2sp.org/tlog-cosignature, cosignature/v1). Any tool for these open standards',
    '     can check the proof and the signatures, with the keys of your trust policy.',
    '  4. Each custody event, recomputed from its salt and its bytes, gives the log entry that its',
    '     .tlog-proof file proves in the same way as in step 3:',
    ...(custodyCommands.length > 0 ? custodyCommands : ['     (this package has no custody event)']),
    '',
  ].join('\n');
}
