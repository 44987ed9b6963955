// package.json, the manifest of an evidence package (v1). A package comes from anyone, so
// the parser is strict: no unknown fields, canonical base64, fixed file layout, bounds.
import { COMMITMENT_BYTES, SALT_BYTES } from '../commitment/index.ts';
import { HASH_BYTES, MAX_PROOF_HASHES } from '../merkle/index.ts';
import { MAX_NOTE_BYTES, fromBase64 } from '../note/index.ts';
import { checkOrigin, isIsoUtc } from './custody-event.ts';
import { PackageFormatError } from './errors.ts';
import { decodeUtf8, encoder, hasUnsafeCharacters } from './text.ts';

export const PACKAGE_VERSION = 1;
export const PACKAGE_KIND = 'backup-evidence-package';
export const MANIFEST_PATH = 'package.json';
export const INSTRUCTIONS_PATH = 'VERIFY.txt';
export const EVIDENCE_PROOF_PATH = 'evidence.tlog-proof';
export const EVIDENCE_DIR = 'evidence/';
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CUSTODY_EVENTS = 1000;
export const MAX_CONSISTENCY_PROOFS = 100;
const MAX_NAME_LENGTH = 255;

export const custodyEventPath = (n: number): string => `custody/${n}.json`;
export const custodyProofPath = (n: number): string => `custody/${n}.tlog-proof`;

export interface ManifestEvidence {
  /** "evidence/<file name>": the file, as the caseworker decrypted it. */
  readonly file: string;
  /** The name the reporter's device gave; not committed to, so not proved. */
  readonly name: string;
  /** The media type, committed to. */
  readonly type: string;
  readonly size: number;
  /** SHA-256 of the file, lowercase hex. */
  readonly sha256: string;
  /** The commitment's 32-byte salt, base64. */
  readonly salt: string;
  /** The log entry: evidenceCommitment(salt, {sha256, type, size}), base64. */
  readonly commitment: string;
  readonly proof: typeof EVIDENCE_PROOF_PATH;
}

export interface ManifestCustody {
  readonly event: string;
  readonly salt: string;
  readonly proof: string;
}

/** A consistency proof between another signed checkpoint of the log and the evidence one. */
export interface ManifestConsistency {
  /** A checkpoint note of the same log, signed (earlier or later than the evidence one). */
  readonly from: string;
  /** RFC 9162 §2.1.4 consistency proof, from the smaller of the two trees to the larger. */
  readonly proof: readonly string[];
}

export interface PackageManifest {
  readonly v: typeof PACKAGE_VERSION;
  readonly kind: typeof PACKAGE_KIND;
  readonly created: string;
  readonly log: { readonly origin: string; readonly verifierKey: string };
  readonly evidence: ManifestEvidence;
  readonly custody: readonly ManifestCustody[];
  readonly consistency?: readonly ManifestConsistency[];
}

type Json = Record<string, unknown>;

function object(what: string, value: unknown, fields: readonly string[], optional: readonly string[] = []): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PackageFormatError(`${what} is not a JSON object`);
  const record = value as Json;
  const unknown = Object.keys(record).filter((k) => !fields.includes(k) && !optional.includes(k));
  if (unknown.length > 0) throw new PackageFormatError(`${what} has unknown fields: ${unknown.join(', ')}`);
  const missing = fields.filter((k) => !(k in record));
  if (missing.length > 0) throw new PackageFormatError(`${what} lacks ${missing.join(', ')}`);
  return record;
}

function text(what: string, value: unknown, max = MAX_NAME_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new PackageFormatError(`${what} is not a string of 1 to ${max} characters`);
  if (hasUnsafeCharacters(value)) throw new PackageFormatError(`${what} holds control characters`);
  return value;
}

function bytes(what: string, value: unknown, length: number): string {
  let decoded: Uint8Array | undefined;
  try {
    decoded = typeof value === 'string' ? fromBase64(value) : undefined;
  } catch {
    decoded = undefined;
  }
  if (decoded?.length !== length) throw new PackageFormatError(`${what} is not ${length} bytes in standard base64`);
  return value as string;
}

function exactly<T extends string>(what: string, value: unknown, expected: T): T {
  if (value !== expected) throw new PackageFormatError(`${what} is not "${expected}"`);
  return expected;
}

function array(what: string, value: unknown, max: number): unknown[] {
  if (!Array.isArray(value)) throw new PackageFormatError(`${what} is not a list`);
  if (value.length > max) throw new PackageFormatError(`${what} has more than ${max} items`);
  return value;
}

/** "evidence/<name>": one path segment, no hidden file, nothing a file system would reinterpret. */
function evidencePath(value: unknown): string {
  const path = text('evidence.file', value, EVIDENCE_DIR.length + MAX_NAME_LENGTH);
  const name = path.slice(EVIDENCE_DIR.length);
  if (!path.startsWith(EVIDENCE_DIR) || name.length === 0 || /[/\\:]/.test(name) || /^[.\s]/.test(name))
    throw new PackageFormatError('evidence.file is not "evidence/" followed by a plain file name');
  return path;
}

function parseEvidence(value: unknown): ManifestEvidence {
  const e = object('evidence', value, ['file', 'name', 'type', 'size', 'sha256', 'salt', 'commitment', 'proof']);
  const size = e['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new PackageFormatError('evidence.size is not a number of bytes');
  if (typeof e['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(e['sha256']))
    throw new PackageFormatError('evidence.sha256 is not 64 lowercase hexadecimal digits');
  return {
    file: evidencePath(e['file']),
    name: text('evidence.name', e['name']),
    type: text('evidence.type', e['type']),
    size,
    sha256: e['sha256'],
    salt: bytes('evidence.salt', e['salt'], SALT_BYTES),
    commitment: bytes('evidence.commitment', e['commitment'], COMMITMENT_BYTES),
    proof: exactly('evidence.proof', e['proof'], EVIDENCE_PROOF_PATH),
  };
}

function parseCustody(value: unknown, n: number): ManifestCustody {
  const c = object(`custody[${n}]`, value, ['event', 'salt', 'proof']);
  return {
    event: exactly(`custody[${n}].event`, c['event'], custodyEventPath(n)),
    salt: bytes(`custody[${n}].salt`, c['salt'], SALT_BYTES),
    proof: exactly(`custody[${n}].proof`, c['proof'], custodyProofPath(n)),
  };
}

function parseConsistency(value: unknown, n: number): ManifestConsistency {
  const c = object(`consistency[${n}]`, value, ['from', 'proof']);
  if (typeof c['from'] !== 'string' || c['from'].length > MAX_NOTE_BYTES)
    throw new PackageFormatError(`consistency[${n}].from is not a checkpoint note`);
  const proof = array(`consistency[${n}].proof`, c['proof'], MAX_PROOF_HASHES).map((h, i) =>
    bytes(`consistency[${n}].proof[${i}]`, h, HASH_BYTES),
  );
  return { from: c['from'], proof };
}

export function parseManifest(input: Uint8Array): PackageManifest {
  if (input.length > MAX_MANIFEST_BYTES) throw new PackageFormatError('the manifest is too large');
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8('the manifest', input));
  } catch (cause) {
    if (cause instanceof PackageFormatError) throw cause;
    throw new PackageFormatError('the manifest is not JSON', { cause });
  }
  const m = object('the manifest', value, ['v', 'kind', 'created', 'log', 'evidence', 'custody'], ['consistency']);
  if (m['v'] !== PACKAGE_VERSION) throw new PackageFormatError(`the manifest is not version ${PACKAGE_VERSION}`);
  exactly('the manifest\'s "kind"', m['kind'], PACKAGE_KIND);
  if (typeof m['created'] !== 'string' || !isIsoUtc(m['created']))
    throw new PackageFormatError('the manifest\'s "created" is not an ISO 8601 UTC time');
  const log = object('log', m['log'], ['origin', 'verifierKey']);
  const manifest: PackageManifest = {
    v: PACKAGE_VERSION,
    kind: PACKAGE_KIND,
    created: m['created'],
    log: { origin: checkOrigin('log.origin', log['origin']), verifierKey: text('log.verifierKey', log['verifierKey']) },
    evidence: parseEvidence(m['evidence']),
    custody: array('custody', m['custody'], MAX_CUSTODY_EVENTS).map(parseCustody),
  };
  if (m['consistency'] === undefined) return manifest;
  const consistency = array('consistency', m['consistency'], MAX_CONSISTENCY_PROOFS).map(parseConsistency);
  return { ...manifest, consistency };
}

export function formatManifest(manifest: PackageManifest): Uint8Array {
  return encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** Every file a package with this manifest holds, VERIFY.txt included. */
export function packagePaths(manifest: PackageManifest): string[] {
  return [
    MANIFEST_PATH,
    INSTRUCTIONS_PATH,
    manifest.evidence.file,
    manifest.evidence.proof,
    ...manifest.custody.flatMap((c) => [c.event, c.proof]),
  ];
}
