// C2SP tlog-checkpoint: "<origin>\n<size>\n<base64 root>\n" then optional extension lines.
import { HASH_BYTES } from '../merkle/index.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import { NoteError } from './errors.ts';
import { checkNoteText } from './signed-note.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly extensions: readonly string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new NoteError('bad checkpoint size');
  const text = `${c.origin}\n${c.size}\n${toBase64(c.root)}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
  checkNoteText(text);
  return text;
}

/** Parses a checkpoint body (the note text, without signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  checkNoteText(text);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint has at least three lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (extensions.some((e) => e.length === 0)) throw new NoteError('a checkpoint extension line is empty');
  if (origin.length === 0) throw new NoteError('the checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteError('the checkpoint size is not a decimal without leading zeros');
  const rootBytes = fromBase64(root);
  if (rootBytes.length !== HASH_BYTES) throw new NoteError('the checkpoint root is not 32 bytes');
  return { origin, size: Number(size), root: rootBytes, extensions };
}
