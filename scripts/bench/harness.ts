// Shared pieces of the benchmark scripts: child processes and their memory.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Spawns `node bin/run-ts.js|backup.js …` and waits until a line matches `ready`. */
export async function spawnAndWait(
  args: readonly string[],
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: Child; match: RegExpExecArray }> {
  // BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles the processes under test.
  const flags = process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  const proc = spawn(process.execPath, [...flags, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = ready.exec(output);
    if (match) {
      const child: Child = {
        process: proc,
        output: () => output,
        async stop() {
          if (proc.exitCode === null) proc.kill('SIGTERM');
          await exited;
        },
      };
      return { child, match };
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const BACKUP = join(REPO, 'bin/backup.js');
export const RUN_TS = join(REPO, 'bin/run-ts.js');

/** Resident set size of a process, in bytes (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A real `backup node` on loopback with its data in `dir`, for benchmarks. */
export async function startBenchNode(
  dir: string,
  flags: Readonly<Record<string, string | number>>,
): Promise<{ node: Child; url: string }> {
  const passphrase = join(dir, 'passphrase');
  await writeFile(passphrase, 'benchmark passphrase only\n');
  const args = [BACKUP, 'node', '--data', join(dir, 'data'), '--port', '0', '--passphrase-file', passphrase];
  for (const [flag, value] of Object.entries({ 'log-level': 'warn', ...flags })) args.push(`--${flag}`, String(value));
  const { child, match } = await spawnAndWait(args, /is running at (http:\/\/\S+) /);
  return { node: child, url: match[1]! };
}
