// Which C2SP tlog-tiles resources a tree holds. A tile at level L holds hashes at height 8L; a
// tree of n entries has ⌊n / 256^L⌋ of them, so full tiles first and then at most one partial.
import { TILE_HEIGHT, TILE_WIDTH, type TileAddress } from '../merkle/index.ts';

/** Hashes at the height of level-`level` tiles in a tree of `size`. */
export function tileHashCount(level: number, size: number): number {
  return Math.floor(size / 2 ** (TILE_HEIGHT * level));
}

/**
 * The tiles and entry bundles a tree of `size` holds that one of `fromSize` did not (all of
 * them when fromSize is 0): what a publisher writes after the log grows. Partial tiles of
 * earlier widths are not listed; tlog-tiles clients fall back to the full or wider one.
 */
export function tilesForSize(size: number, fromSize = 0): TileAddress[] {
  const tiles: TileAddress[] = [];
  for (let level = 0; tileHashCount(level, size) > 0; level++) {
    const now = tileHashCount(level, size);
    const before = Math.min(tileHashCount(level, fromSize), now);
    if (now === before) continue;
    const levels: TileAddress['level'][] = level === 0 ? [0, 'entries'] : [level];
    for (const l of levels) {
      for (let index = Math.floor(before / TILE_WIDTH); index < Math.floor(now / TILE_WIDTH); index++)
        tiles.push({ level: l, index, width: TILE_WIDTH });
      if (now % TILE_WIDTH !== 0)
        tiles.push({ level: l, index: Math.floor(now / TILE_WIDTH), width: now % TILE_WIDTH });
    }
  }
  return tiles;
}
