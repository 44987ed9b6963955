// The log's side of C2SP tlog-witness §add-checkpoint: ask one witness to cosign a
// checkpoint, recover once from a 409 (the witness holds another size than we thought),
// and keep only cosignatures that verify with the witness's key. Responses come from the
// network and are parsed strictly.
import {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  NoteError,
  type NoteVerifier,
  UnverifiedNoteError,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignatureLine,
} from '../note/index.ts';
import { CosignatureRequestError, WitnessResponseError } from './errors.ts';
import { formatAddCheckpointRequest } from './request.ts';

export type SendAddCheckpoint = (body: Uint8Array) => Promise<{ status: number; body: Uint8Array }>;

export interface CosignatureRequest {
  /** The log-signed checkpoint note. */
  readonly note: string;
  /** The size this witness last cosigned, as far as the log knows (0 if unknown). */
  readonly oldSize: number;
  /** A consistency proof from oldSize to the checkpoint's size; called only for 0 < old < size. */
  readonly proofFor: (oldSize: number) => Uint8Array[];
  /** The witness's cosignature/v1 key. */
  readonly witnessVerifier: NoteVerifier;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const SIZE_BODY = /^(0|[1-9][0-9]{0,15})\n$/;

/** The note signature lines of a 200 body, without their newlines; throws WitnessResponseError. */
export function cosignatureLines(responseBody: Uint8Array): string[] {
  if (responseBody.length === 0 || responseBody.length > MAX_NOTE_BYTES)
    throw new WitnessResponseError('the cosignature response is empty or too large');
  let body: string;
  try {
    body = decoder.decode(responseBody);
  } catch (cause) {
    throw new WitnessResponseError('the cosignature response is not UTF-8', { cause });
  }
  if (!body.endsWith('\n')) throw new WitnessResponseError('the cosignature response does not end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new WitnessResponseError('the cosignature response has too many lines');
  for (const line of lines) {
    try {
      parseSignatureLine(line);
    } catch (cause) {
      throw new WitnessResponseError('the cosignature response holds a line that is not a signature', { cause });
    }
  }
  return lines;
}

/** The size in a 409 body ("<size>\n"), or undefined when it holds none. */
function conflictSize(body: Uint8Array): number | undefined {
  if (body.length > 20) return undefined;
  let m: RegExpExecArray | null;
  try {
    m = SIZE_BODY.exec(decoder.decode(body));
  } catch {
    return undefined; // not UTF-8: not a size, and the caller gives up on this witness
  }
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : undefined;
}

/** Keeps the lines by the witness's key and checks them; one that fails is an error. */
function verifyCosignatures(lines: readonly string[], text: string, witness: NoteVerifier): string[] {
  if (lines.length === 0) throw new CosignatureRequestError(`the witness "${witness.name}" sent no cosignature`);
  // The response appended to the checkpoint is a note: lines by unknown keys are ignored (as
  // the spec says the client MUST), and one by the witness's key that fails is refused.
  try {
    return openNote(`${text}\n${lines.map((l) => `${l}\n`).join('')}`, [witness]).verified.map((v) => v.signature.line);
  } catch (cause) {
    const why =
      cause instanceof UnverifiedNoteError ? 'sent no cosignature' : 'sent a cosignature that does not verify';
    throw new CosignatureRequestError(`the witness "${witness.name}" ${why}`, { cause });
  }
}

/**
 * Asks a witness to cosign `note`; returns its verified cosignature lines (no newline), to
 * add with note's `withSignatures`. Throws CosignatureRequestError when it does not cosign.
 */
export async function requestCosignature(send: SendAddCheckpoint, args: CosignatureRequest): Promise<string[]> {
  const { note, witnessVerifier } = args;
  const text = parseNote(note).text;
  const { size } = parseCheckpoint(text);
  const ask = (old: number) =>
    send(formatAddCheckpointRequest(old, old === 0 || old === size ? [] : args.proofFor(old), note));

  let response = await ask(args.oldSize);
  if (response.status === 409) {
    // tlog-witness: the 409 body is the size of the witness's latest cosigned checkpoint.
    const theirs = conflictSize(response.body);
    if (theirs === undefined || theirs === args.oldSize)
      throw new CosignatureRequestError('the witness refused the checkpoint as conflicting', { status: 409 });
    if (theirs > size)
      throw new CosignatureRequestError(`the witness has cosigned ${theirs} entries, more than this ${size}`, {
        status: 409,
      });
    response = await ask(theirs);
  }
  if (response.status !== 200)
    throw new CosignatureRequestError(`the witness answered ${response.status}`, { status: response.status });
  try {
    return verifyCosignatures(cosignatureLines(response.body), text, witnessVerifier);
  } catch (cause) {
    if (cause instanceof NoteError || cause instanceof WitnessResponseError)
      throw new CosignatureRequestError('the witness answered something that is not a cosignature', { cause });
    throw cause;
  }
}
