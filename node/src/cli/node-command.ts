// `backup node`: start a node, creating its keys on the first start.
import { mkdir, readFile } from 'node:fs/promises';
import { type NodeConfig, parseConfig } from '../config/index.ts';
import { createKeyFile, generateAdminPassphrase, readKeyFile } from '../keys/index.ts';
import { createLogger } from '../log/index.ts';
import { startNode } from '../main.ts';

export async function readPassphraseFile(path: string): Promise<string> {
  const text = (await readFile(path, 'utf8')).split('\n')[0]!.trim();
  if (text.length < 12) throw new Error(`the passphrase in ${path} is too short (12 characters at least)`);
  return text;
}

async function ensureKeys(config: NodeConfig, out: NodeJS.WritableStream): Promise<void> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  if (await readKeyFile(config.dataDir)) return;
  const given = config.passphraseFile ? await readPassphraseFile(config.passphraseFile) : undefined;
  const passphrase = given ?? generateAdminPassphrase();
  await createKeyFile(config.dataDir, passphrase);
  if (given) {
    out.write('Created this node’s keys; the case key is wrapped under the passphrase from the file you gave.\n');
    return;
  }
  out.write(
    [
      '',
      '================================================================================',
      ' FIRST START: this node’s admin passphrase. It is shown ONCE. Write it down now',
      ' and keep it somewhere safe, away from this computer:',
      '',
      `     ${passphrase}`,
      '',
      ' Without it NOBODY can ever read the reports this node receives — not you, not',
      ' the BackUp developers. With it, anyone holding this node’s data folder can.',
      '================================================================================',
      '',
    ].join('\n'),
  );
}

export async function nodeCommand(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<number> {
  const config = parseConfig(flags, env);
  // Everything the node creates (database, evidence, keys) is for its own user only.
  process.umask(0o077);
  await ensureKeys(config, out);
  const log = createLogger(config.logLevel, (line) => out.write(line));
  const node = await startNode(config, log);
  out.write(
    `BackUp node "${config.name}" is running at ${node.url} (data in ${config.dataDir}). Stop it with Ctrl+C.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      log.info('stopping');
      void node.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
