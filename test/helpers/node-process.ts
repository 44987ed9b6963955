// Starts real `backup node` processes on loopback for multi-process tests, and stops
// them by itself. Output goes to a log file in the test's folder so tests can read it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const BACKUP_BIN = join(REPO, 'bin/backup.js');
const START_TIMEOUT_MS = 30_000;

export interface Workspace {
  readonly dir: string;
  readonly dataDir: string;
  readonly passphraseFile: string;
  readonly passphrase: string;
  cleanup(): Promise<void>;
}

export async function makeWorkspace(prefix = 'backup-test-'): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const passphrase = `test passphrase ${Math.random().toString(36).slice(2)}`;
  const passphraseFile = join(dir, 'passphrase.txt');
  await writeFile(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  return {
    dir,
    dataDir: join(dir, 'data'),
    passphraseFile,
    passphrase,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface NodeProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  log(): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  readonly port?: number;
  /** Extra `--flag value` pairs. */
  readonly flags?: Readonly<Record<string, string | number>>;
  readonly logName?: string;
}

/** Permissive limits for tests that send many requests from one source. */
export const TEST_FLAGS = {
  'pow-difficulty': 4,
  'source-burst': 1_000_000,
  'source-per-minute': 1_000_000,
  'reports-per-second': 1_000_000,
  // Tests must not depend on how full the machine's disk is.
  'min-free-bytes': 0,
} as const;

export async function startNodeProcess(ws: Workspace, options: StartOptions = {}): Promise<NodeProcess> {
  const logFile = join(ws.dir, options.logName ?? `node-${Date.now()}.log`);
  const logHandle = await open(logFile, 'a');
  const args = [
    BACKUP_BIN,
    'node',
    '--data',
    ws.dataDir,
    '--port',
    String(options.port ?? 0),
    '--passphrase-file',
    ws.passphraseFile,
  ];
  for (const [flag, value] of Object.entries({ ...TEST_FLAGS, ...options.flags }))
    args.push(`--${flag}`, String(value));
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', logHandle.fd, logHandle.fd],
    env: { ...process.env, BACKUP_DEBUG: '1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => logHandle.close());

  const deadline = Date.now() + START_TIMEOUT_MS;
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null) throw new Error(`node exited early:\n${await readFile(logFile, 'utf8')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node did not start in time:\n${await readFile(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    url = /is running at (http:\/\/[^\s]+) /.exec(await readFile(logFile, 'utf8').catch(() => ''))?.[1];
  }
  return {
    url,
    port: Number(new URL(url).port),
    child,
    logFile,
    log: () => readFile(logFile, 'utf8'),
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], input?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BACKUP_BIN, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** `backup decrypt` of the workspace's node into `out`, with the right passphrase. */
export function decryptInto(ws: Workspace, out: string): Promise<CliResult> {
  return runCli(['decrypt', '--data', ws.dataDir, '--out', out, '--passphrase-file', ws.passphraseFile]);
}
