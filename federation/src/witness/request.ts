// C2SP tlog-witness §add-checkpoint request body: "old <size>\n", zero to 63 base64
// consistency proof lines, an empty line, then the checkpoint note. Bodies come from anyone
// (there is no authentication beyond the checkpoint signature): parsing is strict, bounded
// by size and line count before any decoding, and every failure is one named error.
import { HASH_BYTES } from '../merkle/index.ts';
import {
  type Checkpoint,
  type Note,
  NoteError,
  fromBase64,
  parseCheckpoint,
  parseNote,
  toBase64,
} from '../note/index.ts';
import { MAX_ADD_CHECKPOINT_BODY_BYTES, MAX_PROOF_LINES } from './constants.ts';
import { AddCheckpointRequestError } from './errors.ts';

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: Uint8Array[];
  /** The signed checkpoint note, signatures included. */
  readonly note: string;
}

/** The request with its note already parsed, for the witness. */
export interface ParsedAddCheckpointRequest extends AddCheckpointRequest {
  readonly parsed: Note;
  readonly checkpoint: Checkpoint;
}

/** "ASCII decimal with no leading zeroes", at most 2^53 so that it stays exact. */
const OLD_LINE = /^old (0|[1-9][0-9]{0,15})$/;
const BASE64_HASH_CHARS = 44;
const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(message: string, cause?: unknown): never {
  throw new AddCheckpointRequestError(message, cause === undefined ? undefined : { cause });
}

export function readAddCheckpointRequest(body: Uint8Array): ParsedAddCheckpointRequest {
  if (body.length > MAX_ADD_CHECKPOINT_BODY_BYTES) fail('the request body is too large');
  let text: string;
  try {
    text = decoder.decode(body);
  } catch (cause) {
    fail('the request body is not UTF-8', cause);
  }
  let at = 0;
  const nextLine = (): string | undefined => {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return undefined;
    const line = text.slice(at, nl);
    at = nl + 1;
    return line;
  };

  const old = OLD_LINE.exec(nextLine() ?? '');
  if (!old || !Number.isSafeInteger(Number(old[1]))) fail('the first line is not "old <size>"');
  const oldSize = Number(old[1]);

  const proof: Uint8Array[] = [];
  for (;;) {
    const line = nextLine();
    if (line === undefined) fail('the request has no empty line before the checkpoint');
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) fail(`the request has more than ${MAX_PROOF_LINES} proof lines`);
    if (line.length !== BASE64_HASH_CHARS) fail('a proof line is not a base64 SHA-256 hash');
    let hash: Uint8Array;
    try {
      hash = fromBase64(line);
    } catch (cause) {
      fail('a proof line is not base64', cause);
    }
    if (hash.length !== HASH_BYTES) fail('a proof line is not a base64 SHA-256 hash');
    proof.push(hash);
  }
  if (oldSize === 0 && proof.length !== 0) fail('the proof must be empty when the old size is 0');

  const note = text.slice(at);
  let parsed: Note;
  let checkpoint: Checkpoint;
  try {
    parsed = parseNote(note);
    checkpoint = parseCheckpoint(parsed.text);
  } catch (cause) {
    if (!(cause instanceof NoteError)) throw cause;
    fail(`the checkpoint is malformed: ${cause.message}`, cause);
  }
  return { oldSize, proof, note, parsed, checkpoint };
}

/** Parses a tlog-witness add-checkpoint body; throws AddCheckpointRequestError. */
export function parseAddCheckpointRequest(body: Uint8Array): AddCheckpointRequest {
  const { oldSize, proof, note } = readAddCheckpointRequest(body);
  return { oldSize, proof, note };
}

export function formatAddCheckpointRequest(oldSize: number, proof: readonly Uint8Array[], note: string): Uint8Array {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) fail('the old size is not a tree size');
  if (proof.length > MAX_PROOF_LINES) fail(`a proof has at most ${MAX_PROOF_LINES} hashes`);
  if (oldSize === 0 && proof.length !== 0) fail('the proof must be empty when the old size is 0');
  if (proof.some((h) => h.length !== HASH_BYTES)) fail('a proof hash is not 32 bytes');
  if (!note.endsWith('\n')) fail('the note does not end with a newline');
  return new TextEncoder().encode(`old ${oldSize}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${note}`);
}
