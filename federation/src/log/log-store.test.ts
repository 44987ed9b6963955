import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  leafHash,
  rootOfLeafHashes,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../merkle/index.ts';
import {
  EntryTooLargeError,
  LogClosedError,
  LogCorruptError,
  LogRangeError,
  type LogStore,
  LogWriteError,
  TileNotFoundError,
  UnsupportedLogFormatError,
  openLogStore,
  tilesForSize,
} from './index.ts';

/** Entries of varied lengths, so offsets matter. */
const entryOf = (i: number) => new TextEncoder().encode(`entry ${i}${'.'.repeat(i % 40)}`);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => entryOf(from + i));

let dir: string;
let log: LogStore | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backup-log-test-'));
});
afterEach(async () => {
  await log?.close();
  log = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function logOf(entries: readonly Uint8Array[]): Promise<LogStore> {
  log = await openLogStore(dir);
  if (entries.length > 0) await log.appendMany(entries);
  return log;
}

async function reopen(): Promise<LogStore> {
  await log?.close();
  log = undefined;
  log = await openLogStore(dir);
  return log;
}

describe('openLogStore', () => {
  describe('roots and proofs', () => {
    const entries = range(300);
    const leaves = entries.map(leafHash);

    it('has the root of the definition at every size from 0 to 300, batch after batch', async () => {
      const store = await logOf([]);
      expect(store.root()).toEqual(rootOfLeafHashes([]));
      let size = 0;
      for (const batch of [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 68]) {
        expect(await store.appendMany(entries.slice(size, size + batch))).toBe(size);
        size += batch;
        expect(store.size).toBe(size);
        expect(store.root()).toEqual(rootOfLeafHashes(leaves.slice(0, size)));
      }
      for (let s = 0; s <= 300; s++) expect(store.root(s)).toEqual(rootOfLeafHashes(leaves.slice(0, s)));
    });

    it('produces inclusion and consistency proofs that verify', async () => {
      const store = await logOf(entries);
      for (const size of [1, 2, 255, 256, 257, 300]) {
        const root = store.root(size);
        for (let i = 0; i < size; i++) verifyInclusion(i, size, leaves[i]!, store.inclusionProof(i, size), root);
        for (let m = 1; m <= size; m++)
          verifyConsistency(m, size, store.consistencyProof(m, size), store.root(m), root);
      }
      expect(treeRoot(store.hashReader(), 300)).toEqual(store.root());
    });

    it('refuses sizes and indices past the durable log', async () => {
      const store = await logOf(entries.slice(0, 10));
      expect(() => store.root(11)).toThrow(LogRangeError);
      expect(() => store.inclusionProof(0, 11)).toThrow(LogRangeError);
      expect(() => store.consistencyProof(1, 11)).toThrow(LogRangeError);
      expect(() => store.entry(10)).toThrow(LogRangeError);
      expect(() => store.hashReader().hash(0, 10)).toThrow(LogRangeError);
      expect(() => store.hashReader().hash(4, 0)).toThrow(LogRangeError);
    });
  });

  describe('append', () => {
    it('gives concurrent appends unique sequential indices in call order, in shared batches', async () => {
      const store = await logOf([]);
      const entries = range(1000);
      const indices = await Promise.all(entries.map((e) => store.append(e)));
      expect(indices).toEqual(entries.map((_, i) => i));
      expect(store.batches).toBeLessThan(10);
      for (const [i, e] of entries.entries()) expect(store.entry(i)).toEqual(e);
      expect(store.root()).toEqual(rootOfLeafHashes(entries.map(leafHash)));
    });

    it('keeps each batch within maxBatchEntries but never splits an appendMany', async () => {
      log = await openLogStore(dir, { maxBatchEntries: 10 });
      const store = log;
      const [first, many, last] = await Promise.all([
        Promise.all(range(25).map((e) => store.append(e))),
        store.appendMany(range(30, 25)),
        store.append(entryOf(55)),
      ]);
      expect(first).toEqual(range(25).map((_, i) => i));
      expect([many, last]).toEqual([25, 55]);
      expect(store.batches).toBe(5);
      expect(store.root()).toEqual(rootOfLeafHashes(range(56).map(leafHash)));
    });

    it('takes a copy of the entry, so the caller may reuse its buffer at once', async () => {
      const store = await logOf([]);
      const buffer = new Uint8Array([1, 2, 3]);
      const appended = store.append(buffer);
      buffer.fill(9);
      await appended;
      expect(store.entry(0)).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('refuses an entry longer than 65535 bytes and keeps one of exactly 65535', async () => {
      const store = await logOf([]);
      await expect(store.append(new Uint8Array(65536))).rejects.toThrow(EntryTooLargeError);
      await expect(store.appendMany([entryOf(0), new Uint8Array(70000)])).rejects.toThrow(EntryTooLargeError);
      expect(store.size).toBe(0);
      const big = randomBytes(65535);
      expect(await store.append(big)).toBe(0);
      // Buffer.equals: a deep toEqual over 64 KiB takes most of a second.
      expect(big.equals(store.entry(0))).toBe(true);
      const bundle = decodeEntryBundle(store.readEntryBundle(0, 1));
      expect(bundle.length === 1 && big.equals(bundle[0]!)).toBe(true);
    });
  });

  describe('tiles', () => {
    // 256² + 3·256 + 5 entries: full and partial tiles at levels 0 and 1, a partial one at 2.
    const SIZE = TILE_WIDTH ** 2 + 3 * TILE_WIDTH + 5;
    const entries = Array.from({ length: SIZE }, (_, i) => Buffer.from(`tile entry ${i}`));
    const leaves = entries.map(leafHash);
    const hashAt = (height: number, i: number) =>
      rootOfLeafHashes(leaves.slice(i * 2 ** height, (i + 1) * 2 ** height));
    const tileOf = (level: number, index: number, width: number) =>
      Buffer.concat(Array.from({ length: width }, (_, j) => hashAt(8 * level, index * TILE_WIDTH + j)));

    it('serves full and partial hash tiles as the definition gives them', async () => {
      const store = await logOf(entries);
      for (const [level, index, width] of [
        [0, 0, 256],
        [0, 258, 256],
        [0, 259, 5],
        [0, 259, 2],
        [1, 0, 256],
        [1, 1, 3],
        [2, 0, 1],
      ] as const)
        expect(Buffer.from(store.readTile(level, index, width))).toEqual(tileOf(level, index, width));
    });

    it('serves entry bundles that decode to the entries', async () => {
      const store = await logOf(entries);
      const bundle = (index: number, width: number) => decodeEntryBundle(store.readEntryBundle(index, width));
      expect(bundle(0, 256)).toEqual(entries.slice(0, 256).map((e) => new Uint8Array(e)));
      expect(bundle(259, 5)).toEqual(entries.slice(259 * 256).map((e) => new Uint8Array(e)));
    });

    it('throws TileNotFoundError for a tile the size does not hold', async () => {
      const store = await logOf(entries);
      for (const [level, index, width] of [
        [0, 259, 6],
        [0, 260, 1],
        [1, 1, 4],
        [2, 0, 2],
        [3, 0, 1],
        [0, 0, 0],
        [0, 0, 257],
        [-1, 0, 1],
        [0, 0.5, 1],
      ])
        expect(() => store.readTile(level!, index!, width!)).toThrow(TileNotFoundError);
      expect(() => store.readEntryBundle(259, 6)).toThrow(TileNotFoundError);
    });

    it('lists the tiles a size holds, and only the new ones after growth', async () => {
      expect(tilesForSize(0)).toEqual([]);
      expect(tilesForSize(300)).toEqual([
        { level: 0, index: 0, width: 256 },
        { level: 0, index: 1, width: 44 },
        { level: 'entries', index: 0, width: 256 },
        { level: 'entries', index: 1, width: 44 },
        { level: 1, index: 0, width: 1 },
      ]);
      expect(tilesForSize(300, 290)).toEqual([
        { level: 0, index: 1, width: 44 },
        { level: 'entries', index: 1, width: 44 },
      ]);
      const store = await logOf(entries);
      const listed = tilesForSize(SIZE);
      expect(listed.filter((t) => t.level === 2)).toEqual([{ level: 2, index: 0, width: 1 }]);
      for (const { level, index, width } of listed)
        if (level === 'entries') expect(() => store.readEntryBundle(index, width)).not.toThrow();
        else expect(() => store.readTile(level, index, width)).not.toThrow();
    });
  });

  describe('after a crash mid-batch', () => {
    it('drops whatever lies past the committed size and carries on', async () => {
      const entries = range(300);
      const store = await logOf(entries);
      const root = store.root();
      await store.close();
      // A batch cut short: partial data in every file, a hash file no committed size needs
      // yet, and a size.tmp that was never renamed.
      for (const name of ['entries', 'offsets', ...(await readdir(join(dir, 'hashes'))).map((h) => `hashes/${h}`)])
        await appendFile(join(dir, name), randomBytes(45));
      await writeFile(join(dir, 'hashes/20'), randomBytes(64));
      await writeFile(join(dir, 'size.tmp'), randomBytes(48));

      const reopened = await reopen();
      expect(reopened.size).toBe(300);
      expect(reopened.root()).toEqual(root);
      expect(reopened.entry(299)).toEqual(entries[299]);
      const length = async (name: string) => (await stat(join(dir, name))).size;
      expect(await length('entries')).toBe(entries.reduce((n, e) => n + e.length, 0));
      expect(await length('offsets')).toBe(300 * 8);
      expect(await length('hashes/0')).toBe(300 * 32);
      expect(await length('hashes/8')).toBe(32);
      expect(await length('hashes/20')).toBe(0);
      expect(await reopened.appendMany(range(50, 300))).toBe(300);
      expect(reopened.root()).toEqual(rootOfLeafHashes(range(350).map(leafHash)));
      const after = await reopen();
      expect(after.root()).toEqual(rootOfLeafHashes(range(350).map(leafHash)));
      expect(after.entry(349)).toEqual(entryOf(349));
    });

    it('refuses a damaged size record', async () => {
      await (await logOf(range(10))).close();
      const record = await readFile(join(dir, 'size'));
      record[3]! ^= 1;
      await writeFile(join(dir, 'size'), record);
      await expect(reopen()).rejects.toThrow(LogCorruptError);
      await writeFile(join(dir, 'size'), record.subarray(0, 20));
      await expect(reopen()).rejects.toThrow(LogCorruptError);
    });

    it('refuses a log whose committed data is gone', async () => {
      await (await logOf(range(10))).close();
      await truncate(join(dir, 'hashes/1'), 32);
      await expect(reopen()).rejects.toThrow(LogCorruptError);
    });

    it('refuses a log whose last entry does not match its leaf hash', async () => {
      await (await logOf(range(10))).close();
      await appendFile(join(dir, 'entries'), 'x');
      const offsets = await readFile(join(dir, 'offsets'));
      offsets[offsets.length - 1]! += 1;
      await writeFile(join(dir, 'offsets'), offsets);
      await expect(reopen()).rejects.toThrow(LogCorruptError);
    });
  });

  describe('when a batch cannot be written', () => {
    it('rejects it and every later append, keeps serving reads, and recovers on reopen', async () => {
      const store = await logOf(range(1));
      // The next batch must create hashes/1; with a plain file where hashes/ was, it cannot.
      await rename(join(dir, 'hashes'), join(dir, 'hashes-moved'));
      await writeFile(join(dir, 'hashes'), '');
      await expect(store.append(entryOf(1))).rejects.toThrow(LogWriteError);
      await expect(store.append(entryOf(2))).rejects.toThrow(LogWriteError);
      expect(store.size).toBe(1);
      expect(store.entry(0)).toEqual(entryOf(0));
      await store.close();
      await rm(join(dir, 'hashes'));
      await rename(join(dir, 'hashes-moved'), join(dir, 'hashes'));
      const reopened = await reopen();
      expect(reopened.size).toBe(1);
      expect(await reopened.append(entryOf(1))).toBe(1);
      expect(reopened.root()).toEqual(rootOfLeafHashes(range(2).map(leafHash)));
    });
  });

  describe('the format', () => {
    it('refuses an unknown format version by name', async () => {
      await (await logOf(range(3))).close();
      await writeFile(join(dir, 'format'), '{"format":"backup-evidence-log","v":2}\n');
      const opening = reopen();
      await expect(opening).rejects.toThrow(UnsupportedLogFormatError);
      await expect(opening).rejects.toThrow(/v2.*reads v1/);
    });

    it('does not touch data that has no format file', async () => {
      await (await logOf(range(3))).close();
      await rm(join(dir, 'format'));
      await expect(reopen()).rejects.toThrow(LogCorruptError);
      expect((await readFile(join(dir, 'entries'))).length).toBeGreaterThan(0);
    });
  });

  describe('close and reopen', () => {
    it('keeps every entry, root and proof', async () => {
      const entries = range(100);
      const store = await logOf(entries);
      const [root, proof] = [store.root(), store.inclusionProof(42)];
      const reopened = await reopen();
      expect(reopened.size).toBe(100);
      expect(reopened.root()).toEqual(root);
      expect(reopened.inclusionProof(42)).toEqual(proof);
      for (const [i, e] of entries.entries()) expect(reopened.entry(i)).toEqual(e);
    });

    it('waits for the batch in flight, then refuses appends and reads', async () => {
      const store = await logOf([]);
      const appended = store.append(entryOf(0));
      const closed = store.close();
      await expect(store.append(entryOf(1))).rejects.toThrow(LogClosedError);
      expect(await appended).toBe(0);
      await closed;
      expect(() => store.root()).toThrow(LogClosedError);
      expect(() => store.readTile(0, 0, 1)).toThrow(LogClosedError);
      expect((await reopen()).entry(0)).toEqual(entryOf(0));
    });
  });
});

describe('a read-only store beside the writer (the admin CLI beside a running node)', () => {
  it('sees the committed size, proves from it, refuses appends, and never cuts the writer’s files', async () => {
    const writer = await logOf(range(300));
    // Bytes past the commit point, as while the writer is mid-batch.
    await appendFile(join(dir, 'entries'), 'in flight');
    const reader = await openLogStore(dir, { readOnly: true });
    try {
      expect(reader.size).toBe(300);
      expect(reader.root()).toEqual(writer.root());
      verifyInclusion(7, 300, leafHash(entryOf(7)), reader.inclusionProof(7), writer.root());
      await expect(reader.append(entryOf(1))).rejects.toThrow(LogClosedError);
      expect((await stat(join(dir, 'entries'))).size).toBeGreaterThan(0);
      expect((await readFile(join(dir, 'entries'))).toString('utf8').endsWith('in flight')).toBe(true);
    } finally {
      await reader.close();
    }
  });
  it('refuses a folder that holds no log', async () => {
    await expect(openLogStore(join(dir, 'nothing'), { readOnly: true })).rejects.toThrow(LogCorruptError);
  });
});
