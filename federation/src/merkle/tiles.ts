// C2SP tlog-tiles paths: tiles of 2^8 hashes; an index is written as 3-digit groups, all
// but the last prefixed with "x" (1234067 → x001/x234/067); a partial tile ends ".p/<W>".
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;
/** Entry bundles hold up to 256 entries, each a big-endian uint16 length then the bytes. */
export const MAX_ENTRY_BYTES = 0xffff;

export class TilePathError extends Error {
  override name = 'TilePathError';
}

export function encodeTileIndex(index: number): string {
  const digits = String(index);
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/.../g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function suffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TilePathError('bad tile width');
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${encodeTileIndex(index)}${suffix(width)}`;
}

export function entriesPath(index: number, width = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

export interface TileAddress {
  /** A hash-tile level, or "entries" for an entry bundle. */
  readonly level: number | 'entries';
  readonly index: number;
  readonly width: number;
}

/** Parses "tile/…" strictly (the path comes from the network): canonical forms only. */
export function parseTilePath(path: string): TileAddress {
  const m = /^tile\/(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x[0-9]{3}\/){0,5}[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (!m) throw new TilePathError('not a tile path');
  const index = Number(m[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) throw new TilePathError('a partial tile is narrower than 256');
  if (m[2] !== encodeTileIndex(index)) throw new TilePathError('tile index is not in canonical form');
  return { level: m[1] === 'entries' ? 'entries' : Number(m[1]), index, width };
}

/** Encodes entries as a tlog-tiles entry bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let at = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw new TilePathError('an entry is longer than 65535 bytes');
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Splits a fetched entry bundle; throws when it is truncated or holds trailing bytes. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new TilePathError('the entry bundle is truncated');
    const n = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + n > bundle.length) throw new TilePathError('the entry bundle is truncated');
    entries.push(bundle.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  if (entries.length > TILE_WIDTH) throw new TilePathError('the entry bundle holds more than 256 entries');
  return entries;
}
