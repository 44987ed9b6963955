// Proofs of split views, kept in <dir>/split-views.json for the admins (and for anyone
// the federation must convince): each holds the two checkpoints the log signed. A log with
// a record is refused by this node's witness from then on: a fork is not forgiven by a
// restart. Records are rare and small, so one JSON file, rewritten atomically, is enough.
import { readFileSync } from 'node:fs';
import { writeFileDurably } from '../fs/durable.ts';
import { parseNote } from '../note/index.ts';
import type { Misbehaviour } from './split-view.ts';

export interface SplitViewRecord extends Misbehaviour {
  /** When this node found it (ISO 8601). */
  readonly observedAt: string;
}

export class SplitViewRecords {
  private records: SplitViewRecord[];
  private saving: Promise<void> = Promise.resolve();
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.records = SplitViewRecords.read(path);
  }

  private static read(path: string): SplitViewRecord[] {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw cause;
    }
    const file = JSON.parse(text) as { v?: number; records?: SplitViewRecord[] };
    if (file.v !== 1 || !Array.isArray(file.records)) throw new Error(`${path} is of an unknown version`);
    return file.records;
  }

  /** Keeps a new record; false when the same conflict was already known. */
  record(m: Misbehaviour): boolean {
    // One record per contradicting checkpoint, whatever signature lines a sender added to it.
    const text = parseNote(m.conflicting).text;
    if (this.records.some((r) => r.origin === m.origin && parseNote(r.conflicting).text === text)) return false;
    this.records.push({ ...m, observedAt: new Date().toISOString() });
    const snapshot = JSON.stringify({ v: 1, records: this.records }, null, 2);
    this.saving = this.saving.then(() => writeFileDurably(this.path, `${snapshot}\n`));
    return true;
  }

  /** Resolves once every record so far is on disk. */
  flushed(): Promise<void> {
    return this.saving;
  }

  list(): readonly SplitViewRecord[] {
    return this.records;
  }

  isFlagged(origin: string): boolean {
    return this.records.some((r) => r.origin === origin);
  }
}
