import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncDirectory, writeFileDurably } from './index.ts';

describe('writeFileDurably', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('when the file does not exist yet', () => {
    it('writes the text', async () => {
      const path = join(dir, 'a.json');
      await writeFileDurably(path, '{"a":1}\n');
      expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    });

    it('writes bytes exactly', async () => {
      const path = join(dir, 'a.bin');
      const bytes = new Uint8Array([0, 255, 1, 254, 0, 10, 13]);
      await writeFileDurably(path, bytes);
      expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    });

    it('makes it readable by the owner only by default', async () => {
      const path = join(dir, 'secret');
      await writeFileDurably(path, 'x');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    });

    it('uses the mode it is given', async () => {
      const path = join(dir, 'public');
      await writeFileDurably(path, 'x', 0o400);
      expect((await stat(path)).mode & 0o777).toBe(0o400);
    });
  });

  describe('when the file exists', () => {
    it('replaces its content whole, also with shorter content', async () => {
      const path = join(dir, 'a.json');
      await writeFile(path, 'a much longer earlier content\n', { mode: 0o644 });
      await writeFileDurably(path, 'new\n');
      expect(await readFile(path, 'utf8')).toBe('new\n');
    });

    it('takes the new mode, not the old file’s', async () => {
      const path = join(dir, 'a.json');
      await writeFile(path, 'old', { mode: 0o644 });
      await writeFileDurably(path, 'new');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    });
  });

  it('leaves no temporary file behind', async () => {
    const path = join(dir, 'a.json');
    await writeFileDurably(path, 'one');
    await writeFileDurably(path, 'two');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  describe('when the folder does not exist', () => {
    it('rejects and creates nothing', async () => {
      await expect(writeFileDurably(join(dir, 'missing', 'a.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readdir(dir)).toEqual([]);
    });
  });
});

describe('syncDirectory', () => {
  it('syncs an existing folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'backup-files-'));
    try {
      await expect(syncDirectory(dir)).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects for a folder that does not exist', async () => {
    await expect(syncDirectory(join(tmpdir(), `backup-missing-${process.pid}-${Date.now()}`))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
