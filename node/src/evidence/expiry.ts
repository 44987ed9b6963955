// Unfinished uploads that nobody has touched for a long time are deleted, so abandoned
// attempts do not fill the node's disk. The record stays (marked expired), so a caseworker
// can still see that evidence was once on its way; the reporter can upload it again.
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.ts';
import type { CaseStore } from '../store/index.ts';
import { EVIDENCE_DIR } from './tus.ts';

export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface UploadExpiryComponents {
  readonly store: CaseStore;
  readonly log: Logger;
}

export interface UploadExpiryInit {
  readonly dataDir: string;
  /** An unfinished upload whose last byte arrived longer ago than this expires. */
  readonly maxIdleMs: number;
  readonly intervalMs?: number;
}

export interface UploadExpiry {
  start(): void;
  stop(): void;
  /** One pass; returns how many uploads expired. */
  sweep(now?: number): Promise<number>;
}

export function createUploadExpiry(components: UploadExpiryComponents, init: UploadExpiryInit): UploadExpiry {
  const { store, log } = components;
  let timer: NodeJS.Timeout | undefined;

  async function lastActivity(id: string, createdHour: string): Promise<number> {
    try {
      return (await stat(join(init.dataDir, EVIDENCE_DIR, id))).mtimeMs;
    } catch (error) {
      // No byte ever arrived: the upload's creation is its last sign of life.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Date.parse(createdHour);
      throw error;
    }
  }

  async function sweep(now = Date.now()): Promise<number> {
    let expired = 0;
    for (const upload of store.unfinishedEvidence()) {
      if (now - (await lastActivity(upload.id, upload.createdHour)) <= init.maxIdleMs) continue;
      await unlink(join(init.dataDir, EVIDENCE_DIR, upload.id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      store.markEvidenceExpired(upload.id);
      expired++;
    }
    if (expired > 0) log.info('unfinished uploads expired', { count: expired });
    return expired;
  }

  const run = () =>
    void sweep().catch((error: Error) => log.error('upload expiry failed', { error: error.name, stack: error.stack }));

  return {
    sweep,
    start() {
      run();
      timer = setInterval(run, init.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
