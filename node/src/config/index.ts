// Configuration is parsed once, at start-up, from command-line flags and BACKUP_*
// environment variables (flags win), into a frozen, validated object. Nothing else in the
// node reads process.env.
import { resolve } from 'node:path';
import { z } from 'zod';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_NODE_NAME = 'BackUp node';
export const DEFAULT_POW_DIFFICULTY = 16;
export const DEFAULT_MAX_REPORT_BYTES = 256 * 1024;
export const DEFAULT_MAX_EVIDENCE_BYTES = 2 * 1024 ** 3;
export const DEFAULT_MAX_EVIDENCE_FILES = 50;
/** New uploads are refused when they would leave less free disk than this. */
export const DEFAULT_MIN_FREE_BYTES = 1024 ** 3;
/** Unfinished uploads untouched for this many days are deleted. */
export const DEFAULT_UPLOAD_EXPIRY_DAYS = 30;
/** Anonymous submissions (reports, follow-ups, new uploads) per source address: burst… */
export const DEFAULT_SOURCE_BURST = 30;
/** …refilled at this many per minute. */
export const DEFAULT_SOURCE_PER_MINUTE = 30;
/** All new reports together, per second, whatever their source (Tor hides sources). */
export const DEFAULT_REPORTS_PER_SECOND = 50;
/**
 * Where the federation's libp2p endpoint listens (comma-separated multiaddrs). Loopback
 * with a random port by default, so a node federates only once its admin opens a port,
 * e.g. /ip4/0.0.0.0/tcp/4101.
 */
export const DEFAULT_FEDERATION_LISTEN = '/ip4/127.0.0.1/tcp/0';
/** A new checkpoint is signed and sent to the witnesses this often, when the log grew. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Strict integers: Number(' ') would be 0, so a stray space must not turn a limit off.
const integer = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (/^\s*[0-9]+\s*$/.test(v) ? Number(v) : v) : v),
    z.number({ error: 'must be a whole number' }).int().min(min).max(max),
  );

const Schema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: integer(0, 65535),
  name: z.string().min(1).max(120),
  passphraseFile: z.string().min(1).optional(),
  powDifficulty: integer(0, 32),
  maxReportBytes: integer(4096, 16 * 1024 * 1024),
  maxEvidenceBytes: integer(1024, 2 ** 45),
  maxEvidenceFiles: integer(1, 10_000),
  minFreeBytes: integer(0, 2 ** 52),
  uploadExpiryDays: integer(1, 3650),
  sourceBurst: integer(1, 10_000_000),
  sourcePerMinute: integer(1, 10_000_000),
  reportsPerSecond: integer(1, 10_000_000),
  logLevel: z.enum(['error', 'warn', 'info', 'debug']),
  federationListen: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()))
    .pipe(
      z
        .array(z.string().regex(/^\/(ip4|ip6|dns4|dns6)\/[^/]+\/tcp\/[0-9]{1,5}$/, 'must be a TCP multiaddr'))
        .min(1)
        .max(8),
    ),
  checkpointIntervalMs: integer(50, 86_400_000),
});

export type NodeConfig = Readonly<z.infer<typeof Schema>>;

/** Flag name (as typed after `--`) → config key and environment variable. */
export const CONFIG_FLAGS = {
  data: ['dataDir', 'BACKUP_DATA'],
  host: ['host', 'BACKUP_HOST'],
  port: ['port', 'BACKUP_PORT'],
  name: ['name', 'BACKUP_NAME'],
  'passphrase-file': ['passphraseFile', 'BACKUP_PASSPHRASE_FILE'],
  'pow-difficulty': ['powDifficulty', 'BACKUP_POW_DIFFICULTY'],
  'max-report-bytes': ['maxReportBytes', 'BACKUP_MAX_REPORT_BYTES'],
  'max-evidence-bytes': ['maxEvidenceBytes', 'BACKUP_MAX_EVIDENCE_BYTES'],
  'max-evidence-files': ['maxEvidenceFiles', 'BACKUP_MAX_EVIDENCE_FILES'],
  'min-free-bytes': ['minFreeBytes', 'BACKUP_MIN_FREE_BYTES'],
  'upload-expiry-days': ['uploadExpiryDays', 'BACKUP_UPLOAD_EXPIRY_DAYS'],
  'source-burst': ['sourceBurst', 'BACKUP_SOURCE_BURST'],
  'source-per-minute': ['sourcePerMinute', 'BACKUP_SOURCE_PER_MINUTE'],
  'reports-per-second': ['reportsPerSecond', 'BACKUP_REPORTS_PER_SECOND'],
  'log-level': ['logLevel', 'BACKUP_LOG_LEVEL'],
  'federation-listen': ['federationListen', 'BACKUP_FEDERATION_LISTEN'],
  'checkpoint-interval-ms': ['checkpointIntervalMs', 'BACKUP_CHECKPOINT_INTERVAL_MS'],
} as const satisfies Record<string, readonly [keyof NodeConfig, string]>;

const DEFAULTS: Record<keyof NodeConfig, string | number | undefined> = {
  dataDir: DEFAULT_DATA_DIR,
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  name: DEFAULT_NODE_NAME,
  passphraseFile: undefined,
  powDifficulty: DEFAULT_POW_DIFFICULTY,
  maxReportBytes: DEFAULT_MAX_REPORT_BYTES,
  maxEvidenceBytes: DEFAULT_MAX_EVIDENCE_BYTES,
  maxEvidenceFiles: DEFAULT_MAX_EVIDENCE_FILES,
  minFreeBytes: DEFAULT_MIN_FREE_BYTES,
  uploadExpiryDays: DEFAULT_UPLOAD_EXPIRY_DAYS,
  sourceBurst: DEFAULT_SOURCE_BURST,
  sourcePerMinute: DEFAULT_SOURCE_PER_MINUTE,
  reportsPerSecond: DEFAULT_REPORTS_PER_SECOND,
  logLevel: 'info',
  federationListen: DEFAULT_FEDERATION_LISTEN,
  checkpointIntervalMs: DEFAULT_CHECKPOINT_INTERVAL_MS,
};

export function parseConfig(
  flags: Readonly<Record<string, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): NodeConfig {
  const raw: Record<string, unknown> = { ...DEFAULTS };
  for (const [flag, [key, variable]] of Object.entries(CONFIG_FLAGS)) {
    const value = [flags[flag], env[variable]].find((v) => v !== undefined && v.trim() !== '');
    if (value !== undefined) raw[key] = value;
  }
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) });
}
