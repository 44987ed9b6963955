// C2SP tlog-proof (c2sp.org/tlog-proof, "Format"): "c2sp.org/tlog-proof@v1", an optional
// "extra <base64>" line, "index <N>", one base64 hash per line from the leaf's sibling up,
// an empty line, then the checkpoint note verbatim with its signatures and cosignatures.
// Proofs arrive inside packages from anyone: parsing is strict and bounded.
import { HASH_BYTES, MAX_PROOF_HASHES } from '../merkle/index.ts';
import { MAX_NOTE_BYTES, fromBase64, parseNote, toBase64 } from '../note/index.ts';
import { PackageFormatError } from './errors.ts';
import { decodeUtf8 } from './text.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** The note's own bound, plus room for 63 hash lines and a modest extra line. */
export const MAX_TLOG_PROOF_BYTES = MAX_NOTE_BYTES + 16 * 1024;

export interface TlogProof {
  /** Opaque data that nothing authenticates: never trust it (the spec's words). */
  readonly extra?: Uint8Array;
  readonly index: number;
  /** RFC 9162 §2.1.3 inclusion proof, from the leaf's sibling up to the root's child. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

const INDEX_LINE = /^index (0|[1-9][0-9]{0,15})$/;

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new PackageFormatError(`index ${p.index} is not valid`);
  if (p.proof.length > MAX_PROOF_HASHES) throw new PackageFormatError('the inclusion proof has too many hashes');
  if (p.proof.some((h) => h.length !== HASH_BYTES))
    throw new PackageFormatError('the inclusion proof holds a hash that is not 32 bytes');
  parseNote(p.checkpoint);
  const extra = p.extra === undefined ? '' : `extra ${toBase64(p.extra)}\n`;
  const hashes = p.proof.map((h) => `${toBase64(h)}\n`).join('');
  return `${TLOG_PROOF_HEADER}\n${extra}index ${p.index}\n${hashes}\n${p.checkpoint}`;
}

export function parseTlogProof(input: string | Uint8Array): TlogProof {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_TLOG_PROOF_BYTES) throw new PackageFormatError('the proof is too large');
  const text = typeof input === 'string' ? input : decodeUtf8('the proof', input);
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new PackageFormatError('the proof has no empty line before its checkpoint');
  const lines = text.slice(0, blank).split('\n');
  if (lines.shift() !== TLOG_PROOF_HEADER)
    throw new PackageFormatError(`the proof does not start with the line "${TLOG_PROOF_HEADER}"`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) extra = base64Line('the extra line', lines.shift()!.slice('extra '.length));
  const indexMatch = INDEX_LINE.exec(lines.shift() ?? '');
  if (!indexMatch || !Number.isSafeInteger(Number(indexMatch[1])))
    throw new PackageFormatError('the proof has no valid "index N" line (a decimal without leading zeros)');
  if (lines.length > MAX_PROOF_HASHES) throw new PackageFormatError('the inclusion proof has too many hashes');
  const proof = lines.map((line, i) => {
    const hash = base64Line(`proof line ${i + 1}`, line);
    if (hash.length !== HASH_BYTES) throw new PackageFormatError(`proof line ${i + 1} is not a 32-byte hash`);
    return hash;
  });
  const checkpoint = text.slice(blank + 2);
  try {
    parseNote(checkpoint);
  } catch (cause) {
    throw new PackageFormatError(`the checkpoint in the proof is not a signed note: ${(cause as Error).message}`, {
      cause,
    });
  }
  return { ...(extra && { extra }), index: Number(indexMatch[1]), proof, checkpoint };
}

function base64Line(what: string, text: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch (cause) {
    throw new PackageFormatError(`${what} is not standard base64`, { cause });
  }
}
