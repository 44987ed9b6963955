import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_MAX_EVIDENCE_BYTES,
  DEFAULT_MAX_EVIDENCE_FILES,
  DEFAULT_MIN_FREE_BYTES,
  DEFAULT_UPLOAD_EXPIRY_DAYS,
  DEFAULT_MAX_REPORT_BYTES,
  DEFAULT_NODE_NAME,
  DEFAULT_PORT,
  DEFAULT_POW_DIFFICULTY,
  DEFAULT_REPORTS_PER_SECOND,
  DEFAULT_SOURCE_BURST,
  DEFAULT_SOURCE_PER_MINUTE,
  parseConfig,
} from './index.ts';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but parseConfig returned');
}

describe('parseConfig', () => {
  describe('when given no flags and no environment', () => {
    const config = parseConfig({}, {});

    it('uses the documented defaults', () => {
      expect(config).toEqual({
        dataDir: resolve(DEFAULT_DATA_DIR),
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
        federationListen: ['/ip4/127.0.0.1/tcp/0'],
        checkpointIntervalMs: 60_000,
      });
    });

    it('listens on loopback only', () => {
      expect(config.host).toBe('127.0.0.1');
    });
  });

  describe('when BACKUP_* environment variables are set', () => {
    const config = parseConfig(
      {},
      {
        BACKUP_DATA: '/srv/backup',
        BACKUP_HOST: '0.0.0.0',
        BACKUP_PORT: '9090',
        BACKUP_NAME: 'Field office',
        BACKUP_PASSPHRASE_FILE: '/run/secrets/passphrase',
        BACKUP_POW_DIFFICULTY: '20',
        BACKUP_MAX_REPORT_BYTES: '65536',
        BACKUP_MAX_EVIDENCE_BYTES: '1048576',
        BACKUP_MAX_EVIDENCE_FILES: '7',
        BACKUP_MIN_FREE_BYTES: '8',
        BACKUP_UPLOAD_EXPIRY_DAYS: '9',
        BACKUP_SOURCE_BURST: '5',
        BACKUP_SOURCE_PER_MINUTE: '6',
        BACKUP_REPORTS_PER_SECOND: '3',
        BACKUP_LOG_LEVEL: 'debug',
        BACKUP_FEDERATION_LISTEN: '/ip4/0.0.0.0/tcp/4101, /ip6/::/tcp/4101',
        BACKUP_CHECKPOINT_INTERVAL_MS: '5000',
      },
    );

    it('takes every value from them, as numbers where numbers are meant', () => {
      expect(config).toEqual({
        dataDir: '/srv/backup',
        host: '0.0.0.0',
        port: 9090,
        name: 'Field office',
        passphraseFile: '/run/secrets/passphrase',
        powDifficulty: 20,
        maxReportBytes: 65536,
        maxEvidenceBytes: 1048576,
        maxEvidenceFiles: 7,
        minFreeBytes: 8,
        uploadExpiryDays: 9,
        sourceBurst: 5,
        sourcePerMinute: 6,
        reportsPerSecond: 3,
        logLevel: 'debug',
        federationListen: ['/ip4/0.0.0.0/tcp/4101', '/ip6/::/tcp/4101'],
        checkpointIntervalMs: 5000,
      });
    });
  });

  describe('when an environment variable is empty', () => {
    it('falls back to the default', () => {
      expect(parseConfig({}, { BACKUP_PORT: '' }).port).toBe(DEFAULT_PORT);
    });
  });

  describe('when a flag and an environment variable both set a value', () => {
    const config = parseConfig(
      { port: '7000', 'log-level': 'warn', 'pow-difficulty': '4' },
      { BACKUP_PORT: '9090', BACKUP_LOG_LEVEL: 'debug', BACKUP_POW_DIFFICULTY: '20', BACKUP_NAME: 'From env' },
    );

    it('takes the flag', () => {
      expect(config.port).toBe(7000);
      expect(config.logLevel).toBe('warn');
      expect(config.powDifficulty).toBe(4);
    });

    it('still takes the environment for values no flag sets', () => {
      expect(config.name).toBe('From env');
    });
  });

  describe('when the data folder is relative', () => {
    it('resolves it against the working directory', () => {
      const config = parseConfig({ data: 'some/where' }, {});
      expect(isAbsolute(config.dataDir)).toBe(true);
      expect(config.dataDir).toBe(resolve(process.cwd(), 'some/where'));
    });
  });

  describe('the result', () => {
    it('is frozen', () => {
      const config = parseConfig({}, {});
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(config.port).toBe(DEFAULT_PORT);
    });
  });

  describe('when a value is invalid', () => {
    it.each([
      ['port', { port: '70000' }, {}],
      ['port', {}, { BACKUP_PORT: '-1' }],
      ['port', { port: '80.5' }, {}],
      ['powDifficulty', { 'pow-difficulty': 'x' }, {}],
      ['powDifficulty', { 'pow-difficulty': '33' }, {}],
      ['logLevel', { 'log-level': 'loud' }, {}],
      ['federationListen', { 'federation-listen': '/ip4/0.0.0.0/udp/4101' }, {}],
      ['checkpointIntervalMs', { 'checkpoint-interval-ms': '10' }, {}],
      ['logLevel', {}, { BACKUP_LOG_LEVEL: 'loud' }],
      ['maxReportBytes', { 'max-report-bytes': '100' }, {}],
      ['sourceBurst', { 'source-burst': '0' }, {}],
      ['name', { name: 'n'.repeat(121) }, {}],
    ])('throws a ConfigError naming %s (flags %j, env %j)', (field, flags, env) => {
      const error = configError(() => parseConfig(flags, env));
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain(`${field}:`);
    });

    it('names every invalid field at once', () => {
      const error = configError(() => parseConfig({ port: '70000', 'pow-difficulty': 'x', 'log-level': 'loud' }, {}));
      expect(error.message).toContain('port:');
      expect(error.message).toContain('powDifficulty:');
      expect(error.message).toContain('logLevel:');
    });

    // Number(' ') is 0: a stray space in an env file must not turn the proof of work off.
    it('treats a value that is only white space as unset, never as 0', () => {
      const config = parseConfig({ port: '' }, { BACKUP_POW_DIFFICULTY: ' ', BACKUP_PORT: '9090' });
      expect(config.powDifficulty).toBe(DEFAULT_POW_DIFFICULTY);
      expect(config.port).toBe(9090);
    });

    it('rejects a number with anything but digits around', () => {
      expect(configError(() => parseConfig({}, { BACKUP_POW_DIFFICULTY: '1 6' })).message).toContain('powDifficulty:');
    });

    it('rejects a bad environment value even when another field is fine', () => {
      const error = configError(() => parseConfig({ port: '8081' }, { BACKUP_POW_DIFFICULTY: 'x' }));
      expect(error.message).toContain('powDifficulty:');
      expect(error.message).not.toContain('port:');
    });
  });
});
