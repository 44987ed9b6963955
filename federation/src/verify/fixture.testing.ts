// A real evidence package from a real log built in memory, for the verifier's tests in Node
// and in Chromium: the caller brings the Ed25519 signer (node:crypto or tweetnacl), so this
// module stays free of node:*. The log holds filler entries, the evidence at 5, its
// "received" event at 6 and its "exported" event at 16; the evidence checkpoint (14 entries)
// is cosigned by three of the policy's four witnesses, the "exported" event is proved under
// a later checkpoint (20 entries) with a consistency proof, and an earlier one (8 entries)
// is proved extended by the evidence checkpoint.
import { sha256 } from '@noble/hashes/sha2.js';
import { evidenceCommitment, custodyCommitment } from '../commitment/index.ts';
import type { Ed25519Signer } from '../crypto/index.ts';
import { type HashReader, consistencyProof, inclusionProof, leafHash, rootOfLeafHashes } from '../merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type NoteSigner,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  signNote,
  toBase64,
} from '../note/index.ts';
import { type EvidencePackageInput, buildEvidencePackage, formatCustodyEvent } from '../package/index.ts';
import type { TrustPolicy } from './policy.ts';

export type MakeSigner = (seed: Uint8Array) => Ed25519Signer;

export const ORIGIN = 'backup.example/ngo-a/log';
/** When the witnesses cosigned (2026-04-24T03:06:40Z); verification is a minute later. */
export const COSIGNED_AT = 1_777_000_000;
export const NOW = new Date((COSIGNED_AT + 60) * 1000);
export const EVIDENCE_INDEX = 5;
export const RECEIVED_INDEX = 6;
export const EXPORTED_INDEX = 16;
export const WITNESS_NAMES = ['witness.ngo-b.example', 'witness.ngo-c.example', 'witness.ngo-d.example'];
/** A fourth trusted witness that did not cosign. */
export const ABSENT_WITNESS = 'witness.ngo-e.example';

const seed = (n: number) => new Uint8Array(32).fill(n);
const utf8 = (s: string) => new TextEncoder().encode(s);

export interface PackageFixture {
  readonly files: Map<string, Uint8Array>;
  readonly input: EvidencePackageInput;
  readonly logVerifierKey: string;
  readonly witnessVerifierKeys: readonly string[];
  /** The policy: this log, the four witnesses, a quorum of three unless said otherwise. */
  policy(quorum?: number): TrustPolicy;
  /** Signs a checkpoint of the first `size` entries with the log key and the witnesses'. */
  checkpoint(size: number, signers?: readonly NoteSigner[]): string;
}

export interface FixtureOptions {
  /** The evidence's media type (committed to, so it is part of the log). */
  readonly type?: string;
}

export function makePackageFixture(makeSigner: MakeSigner, options: FixtureOptions = {}): PackageFixture {
  const log = noteSigner(ORIGIN, ED25519_KEY_TYPE, makeSigner(seed(1)));
  const witnesses = [...WITNESS_NAMES, ABSENT_WITNESS].map((name, i) =>
    noteSigner(name, COSIGNATURE_V1_KEY_TYPE, makeSigner(seed(2 + i)), () => COSIGNED_AT),
  );
  const file = new Uint8Array(3000).map((_, i) => (i * 7) & 0xff);
  const salt = seed(9);
  const type = options.type ?? 'video/mp4';
  const commitment = evidenceCommitment(salt, { sha256: sha256(file), type, size: file.length });
  const event = (kind: 'received' | 'exported', at: string) =>
    formatCustodyEvent({ v: 1, event: kind, evidence: toBase64(commitment), at, log: ORIGIN });
  const received = { event: event('received', '2026-04-24T03:00Z'), salt: seed(10) };
  const exported = { event: event('exported', '2026-04-25T09:00Z'), salt: seed(11) };

  const entries: Uint8Array[] = Array.from({ length: 20 }, (_, i) => sha256(utf8(`another entry ${i}`)));
  entries[EVIDENCE_INDEX] = commitment;
  entries[RECEIVED_INDEX] = custodyCommitment(received.salt, received.event);
  entries[EXPORTED_INDEX] = custodyCommitment(exported.salt, exported.event);
  const leaves = entries.map(leafHash);
  const reader: HashReader = { hash: (h, i) => rootOfLeafHashes(leaves.slice(i * 2 ** h, (i + 1) * 2 ** h)) };
  const checkpoint = (size: number, signers: readonly NoteSigner[] = [log, ...witnesses.slice(0, 3)]) =>
    signNote(
      formatCheckpoint({ origin: ORIGIN, size, root: rootOfLeafHashes(leaves.slice(0, size)), extensions: [] }),
      [...signers],
    );
  const later = checkpoint(20);
  const input: EvidencePackageInput = {
    created: new Date(NOW),
    logVerifierKey: formatVerifierKey(ORIGIN, ED25519_KEY_TYPE, log.publicKey),
    file,
    name: 'témoignage 1.mp4',
    type,
    salt,
    checkpoint: checkpoint(14),
    index: EVIDENCE_INDEX,
    proof: inclusionProof(reader, EVIDENCE_INDEX, 14),
    custody: [
      { ...received, index: RECEIVED_INDEX, proof: inclusionProof(reader, RECEIVED_INDEX, 14) },
      { ...exported, index: EXPORTED_INDEX, proof: inclusionProof(reader, EXPORTED_INDEX, 20), checkpoint: later },
    ],
    consistency: [
      { from: later, proof: consistencyProof(reader, 14, 20) },
      { from: checkpoint(8), proof: consistencyProof(reader, 8, 14) },
    ],
    verifyPageUrl: 'https://ngo-a.example/verify',
  };
  const witnessVerifierKeys = witnesses.map((w) => formatVerifierKey(w.name, COSIGNATURE_V1_KEY_TYPE, w.publicKey));
  return {
    files: buildEvidencePackage(input),
    input,
    logVerifierKey: input.logVerifierKey,
    witnessVerifierKeys,
    policy: (quorum = 3) => ({
      v: 1,
      logs: [{ origin: ORIGIN, key: input.logVerifierKey }],
      witnesses: witnessVerifierKeys.map((key) => ({ key })),
      quorum,
    }),
    checkpoint,
  };
}
