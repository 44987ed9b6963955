// Tiled logs (c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries"): resource paths, entry
// bundles, and recomputing a tree head from tiles as an auditor mirroring the log would.
import { C2spFormatError, HASH_SIZE } from './encoding.ts';
import { EMPTY_TREE_HASH, leafHash, nodeHash, treeHash } from './merkle.ts';

export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

export interface TileRef {
  readonly level: number;
  readonly index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  readonly width: number;
}

/** `<N>`: zero-padded 3-digit elements, all but the last prefixed with `x` (1234067 → x001/x234/067). */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new C2spFormatError('tile index must be a natural number');
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/.{3}/g) ?? [];
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function partialSuffix(width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return '';
  if (!Number.isInteger(width) || width < 1 || width > 255) throw new C2spFormatError('partial width must be 1..255');
  return `.p/${String(width)}`;
}

/** `tile/<L>/<N>[.p/<W>]`, relative to the log prefix. */
export function tileUrlPath(level: number, index: number, partialWidth?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new C2spFormatError('level must be 0..63');
  return `tile/${String(level)}/${encodeTileIndex(index)}${partialSuffix(partialWidth)}`;
}

/** `tile/entries/<N>[.p/<W>]`, relative to the log prefix. */
export function entriesUrlPath(index: number, partialWidth?: number): string {
  return `tile/entries/${encodeTileIndex(index)}${partialSuffix(partialWidth)}`;
}

/** How many hashes exist at a tile level: floor(size / 256^level). */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Every tile (full and partial) a log of `size` leaves serves. */
export function tilesForTreeSize(size: number): TileRef[] {
  const tiles: TileRef[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL && hashesAtLevel(size, level) > 0; level++) {
    const count = hashesAtLevel(size, level);
    const full = Math.floor(count / TILE_WIDTH);
    for (let index = 0; index < full; index++) tiles.push({ level, index, width: TILE_WIDTH });
    if (count % TILE_WIDTH > 0) tiles.push({ level, index: full, width: count % TILE_WIDTH });
  }
  return tiles;
}

/** Entries of a bundle: big-endian uint16 length prefix, then the entry bytes. */
export function readEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new C2spFormatError('entry bundle truncated in a length prefix');
    const length = ((bundle[at] as number) << 8) | (bundle[at + 1] as number);
    at += 2;
    if (at + length > bundle.length) throw new C2spFormatError('entry bundle truncated in an entry');
    entries.push(bundle.slice(at, at + length));
    at += length;
  }
  return entries;
}

export function leafHashesFromEntryBundle(bundle: Uint8Array): Uint8Array[] {
  return readEntryBundle(bundle).map(leafHash);
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const parts = entries.map((entry) => {
    if (entry.length > 0xffff) throw new C2spFormatError('entry longer than 65535 bytes');
    return Buffer.concat([Buffer.from([entry.length >> 8, entry.length & 0xff]), entry]);
  });
  return new Uint8Array(Buffer.concat(parts));
}

export interface RootFromTilesOptions {
  /** Highest tile level to fetch. 0 (default) rebuilds everything from leaf hashes. */
  readonly maxLevel?: number;
}

/**
 * The RFC 6962 root of the first `size` leaves, from hash tiles fetched by path. Perfect,
 * aligned subtrees are read from the highest allowed level whose hashes cover them whole.
 */
export async function rootFromTiles(
  size: number,
  fetchTile: (path: string) => Promise<Uint8Array>,
  options: RootFromTilesOptions = {},
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 0) throw new C2spFormatError('size must be a natural number');
  const maxLevel = options.maxLevel ?? 0;
  const tiles = new Map<string, Promise<Uint8Array[]>>();

  const tile = (level: number, index: number): Promise<Uint8Array[]> => {
    const count = hashesAtLevel(size, level);
    const width = index < Math.floor(count / TILE_WIDTH) ? TILE_WIDTH : count % TILE_WIDTH;
    const path = tileUrlPath(level, index, width);
    let pending = tiles.get(path);
    if (pending === undefined) {
      pending = fetchTile(path).then((bytes) => {
        // The log is not trusted: a tile of the wrong length is an error, not a short read.
        if (bytes.length !== width * HASH_SIZE) throw new C2spFormatError(`${path}: ${bytes.length} bytes`);
        return Array.from({ length: width }, (_, i) => bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
      });
      tiles.set(path, pending);
    }
    return pending;
  };

  const hashAt = async (level: number, j: number): Promise<Uint8Array> =>
    (await tile(level, Math.floor(j / TILE_WIDTH)))[j % TILE_WIDTH] as Uint8Array;

  const subtree = async (start: number, n: number): Promise<Uint8Array> => {
    if (n === 0) return EMPTY_TREE_HASH;
    const perfect = Number.isInteger(Math.log2(n)); // exact for powers of two
    if (perfect && start % n === 0) {
      const level = Math.min(maxLevel, Math.floor(Math.log2(n) / 8));
      const span = TILE_WIDTH ** level;
      const first = start / span;
      const hashes = await Promise.all(Array.from({ length: n / span }, (_, i) => hashAt(level, first + i)));
      return treeHash(hashes);
    }
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(await subtree(start, k), await subtree(start + k, n - k));
  };

  return subtree(0, size);
}
