// `backup reply`: a caseworker's message to the reporter of one case, until the back office
// does this in the browser. It needs no passphrase: the message is sealed to the public case
// key and to the reporter's reply key, both of which the node holds. It runs beside a
// running node: SQLite in WAL mode lets it write, waiting its turn for the lock.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MessageTooLongError, asBoxPublicKey, sealMessage } from '../../../client/src/envelope/index.ts';
import { readKeyFile } from '../keys/index.ts';
import { CaseStore } from '../store/index.ts';
import { UsageError } from './usage.ts';

/** Case ids are 16 random bytes in base64url: the folder names `backup decrypt` writes. */
const CASE_ID = /^[A-Za-z0-9_-]{22}$/;

export interface ReplyOptions {
  readonly data?: string;
  readonly case?: string;
  /** A file, or `-` for standard input. Never the text itself on the command line: shell
   * history and the process list would keep the caseworker's words on the node's disk. */
  readonly 'message-file'?: string;
}

async function messageText(options: ReplyOptions, stdin: NodeJS.ReadableStream): Promise<string> {
  const file = options['message-file'];
  if (file === undefined) throw new UsageError('backup reply needs --message-file FILE (or - to read standard input)');
  const text = (file === '-' ? await readAll(stdin) : await readFile(file, 'utf8')).trimEnd();
  if (text.trim() === '') throw new UsageError('the message is empty');
  return text;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export async function replyCommand(
  options: ReplyOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  if (!options.data || !options.case) throw new UsageError('backup reply needs --data DIR and --case ID');
  if (!CASE_ID.test(options.case))
    throw new UsageError('a case id is 22 letters, digits, - or _: the folder names `backup decrypt` writes');
  const text = await messageText(options, stdin);
  const keys = await readKeyFile(options.data);
  if (!keys) throw new UsageError(`${options.data} holds no node (no keys.json)`);
  const store = new CaseStore(options.data, { mustExist: true });
  try {
    const replyKey = store.replyKeyOf(options.case);
    if (!replyKey) throw new UsageError(`this node has no case ${options.case}`);
    let envelope: string;
    try {
      const sealed = await sealMessage(
        { v: 1, author: 'caseworker', text },
        { casePublicKey: keys.casePublicKey, reporterPublicKey: asBoxPublicKey(replyKey) },
      );
      envelope = JSON.stringify(sealed);
    } catch (error) {
      if (error instanceof MessageTooLongError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    const id = randomBytes(16).toString('base64url');
    await store.insertMessage({ id, caseId: options.case, author: 'caseworker', envelope });
    err.write(
      'Message stored, sealed for the caseworkers and the reporter; the reporter sees it at their next follow-up.\n',
    );
    out.write(`${id}\n`);
  } finally {
    store.close();
  }
  return 0;
}
