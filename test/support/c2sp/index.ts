// An independent implementation of the C2SP transparency-log specs, written from the spec
// texts alone so that tests can cross-check federation/. It must never import federation/.
export { C2spFormatError, fromBase64, fromHex, sha256, toBase64, toHex } from './encoding.ts';
export {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  computeKeyId,
  formatVerifierKey,
  makeNoteKey,
  parseVerifierKey,
  type NoteKey,
  type SigType,
  type VerifierKey,
} from './keys.ts';
export {
  MAX_SIGNATURES,
  cosign,
  cosignatureTimestamp,
  cosignedMessage,
  parseCosignatureBlob,
  parseSignedNote,
  signNote,
  verifyNote,
  type Cosignature,
  type NoteSignature,
  type ParsedNote,
  type VerifiedNote,
} from './note.ts';
export { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
export {
  EMPTY_TREE_HASH,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyOptions,
} from './merkle.ts';
export {
  TILE_WIDTH,
  encodeEntryBundle,
  encodeTileIndex,
  entriesUrlPath,
  leafHashesFromEntryBundle,
  readEntryBundle,
  rootFromTiles,
  tileUrlPath,
  tilesForTreeSize,
  type RootFromTilesOptions,
  type TileRef,
} from './tiles.ts';
export {
  MAX_CONSISTENCY_PROOF_LINES,
  TLOG_SIZE_CONTENT_TYPE,
  appendCosignatures,
  formatAddCheckpointBody,
  parseAddCheckpointBody,
  parseTlogSizeBody,
  type AddCheckpointRequest,
} from './witness.ts';
export { TLOG_PROOF_HEADER, formatTlogProof, parseTlogProof, type TlogProof } from './proof.ts';
