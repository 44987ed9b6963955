// Offline-verifiable inclusion proofs (c2sp.org/tlog-proof, "Format").
import { C2spFormatError, HASH_SIZE, fromBase64, parseDecimal, toBase64 } from './encoding.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  /** Opaque, unauthenticated application data; never trust it implicitly. */
  readonly extra?: Uint8Array;
  readonly index: bigint;
  /** Inclusion proof, from the leaf's sibling up to the root's child. */
  readonly proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

export function formatTlogProof(p: TlogProof): string {
  const extra = p.extra === undefined ? '' : `extra ${toBase64(p.extra)}\n`;
  const hashes = p.proof.map((h) => `${toBase64(h)}\n`).join('');
  return `${TLOG_PROOF_HEADER}\n${extra}index ${p.index.toString()}\n${hashes}\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new C2spFormatError('proof has no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  if (lines.shift() !== TLOG_PROOF_HEADER) throw new C2spFormatError(`first line must be ${TLOG_PROOF_HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) extra = fromBase64((lines.shift() as string).slice('extra '.length));
  const indexLine = lines.shift() ?? '';
  if (!indexLine.startsWith('index ')) throw new C2spFormatError('missing index line');
  const proof = lines.map((line) => {
    const hash = fromBase64(line);
    if (hash.length !== HASH_SIZE) throw new C2spFormatError('proof hash must be 32 bytes');
    return hash;
  });
  const index = parseDecimal(indexLine.slice('index '.length), 'index');
  return { ...(extra === undefined ? {} : { extra }), index, proof, checkpoint: text.slice(blank + 2) };
}
