export { EMPTY_ROOT, HASH_BYTES, equalHashes, leafHash, nodeHash, rootOfLeafHashes } from './hash.ts';
export { type HashReader, consistencyProof, inclusionProof, subtreeRoot, treeRoot } from './prove.ts';
export {
  MAX_ENTRY_BYTES,
  TILE_HEIGHT,
  TILE_WIDTH,
  type TileAddress,
  TilePathError,
  decodeEntryBundle,
  encodeEntryBundle,
  encodeTileIndex,
  entriesPath,
  parseTilePath,
  tilePath,
} from './tiles.ts';
export { MAX_PROOF_HASHES, ProofError, rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.ts';
