// The `backup` command line: one program, a subcommand per capability.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/index.ts';
import { CONFIG_FLAGS } from '../config/index.ts';
import { WrongPassphraseError } from '../keys/index.ts';
import { decryptCommand } from './decrypt-command.ts';
import { exportCommand } from './export-command.ts';
import { federationCommand } from './federation-command.ts';
import { nodeCommand } from './node-command.ts';
import { replyCommand } from './reply-command.ts';
import { reportCommand } from './report-command.ts';
import { USAGE, UsageError } from './usage.ts';
import { verifyCommand } from './verify-command.ts';

const stringFlag = { type: 'string' } as const;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'node': {
        const { values } = parseArgs({
          args: rest,
          options: Object.fromEntries(Object.keys(CONFIG_FLAGS).map((f) => [f, stringFlag])),
          strict: true,
        });
        return await nodeCommand(values as Record<string, string | undefined>, env, process.stdout);
      }
      case 'report': {
        const { values } = parseArgs({
          args: rest,
          options: {
            node: stringFlag,
            narrative: stringFlag,
            answers: stringFlag,
            'chunk-size': stringFlag,
            evidence: { type: 'string', multiple: true },
          },
          strict: true,
        });
        return await reportCommand(values, process.stdout, process.stderr);
      }
      case 'decrypt': {
        const { values } = parseArgs({
          args: rest,
          options: { data: stringFlag, out: stringFlag, 'passphrase-file': stringFlag },
          strict: true,
        });
        return await decryptCommand(values, process.stderr);
      }
      case 'reply': {
        const { values } = parseArgs({
          args: rest,
          options: { data: stringFlag, case: stringFlag, 'message-file': stringFlag },
          strict: true,
        });
        return await replyCommand(values, process.stdout, process.stderr);
      }
      case 'verify': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { policy: stringFlag },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length > 1) throw new UsageError('backup verify takes one PACKAGE_DIR');
        return await verifyCommand({ package: positionals[0], policy: values.policy }, process.stdout);
      }
      case 'export': {
        const { values } = parseArgs({
          args: rest,
          options: {
            data: stringFlag,
            evidence: stringFlag,
            out: stringFlag,
            'passphrase-file': stringFlag,
            since: stringFlag,
          },
          strict: true,
        });
        return await exportCommand(values, process.stderr);
      }
      case 'federation': {
        const [action, ...more] = rest;
        const { values, positionals } = parseArgs({
          args: more,
          options: {
            data: stringFlag,
            organisation: stringFlag,
            country: stringFlag,
            address: { type: 'string', multiple: true },
            quorum: stringFlag,
            replace: { type: 'boolean' },
          },
          allowPositionals: true,
          strict: true,
        });
        return await federationCommand(action, positionals, values, process.stdout);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof WrongPassphraseError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`backup: ${(error as Error).message}\n`);
    if (known) {
      if (!(error instanceof WrongPassphraseError)) process.stderr.write('Run "backup help" for usage.\n');
      return 2;
    }
    if (env['BACKUP_DEBUG']) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}
