import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateBoxKeyPair } from '../../../client/src/envelope/index.ts';
import { custodyCommitment } from '../../../federation/src/commitment/index.ts';
import { type LogStore, openLogStore } from '../../../federation/src/log/index.ts';
import { CaseStore, DATABASE_FILE } from '../store/index.ts';
import { openCustodyEvent } from './custody.ts';
import { type EvidenceLog, EvidenceLogError, logPendingEvidence } from './evidence-log.ts';

const ORIGIN = 'backup.test/evidence-log';
const caseKeys = generateBoxKeyPair();

/** The node's log (federation/src/log) as an EvidenceLog, as the composition root adapts it. */
const over = (log: LogStore): EvidenceLog => ({ origin: ORIGIN, append: (entry) => log.append(entry) });

describe('logPendingEvidence', () => {
  let dir: string;
  let store: CaseStore;
  let log: LogStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-evidence-log-'));
    store = new CaseStore(dir);
    log = await openLogStore(join(dir, 'log'));
    await store.insertCase({
      id: 'c',
      verifier: new Uint8Array(32),
      replyKey: new Uint8Array(32),
      envelope: '{}',
      shared: '{}',
    });
  });

  afterEach(async () => {
    store.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A complete upload with a random commitment. */
  function upload(id: string): Uint8Array {
    const commitment = new Uint8Array(randomBytes(32));
    store.addEvidence(id, 'c', 100, commitment);
    store.markEvidenceComplete(id);
    return commitment;
  }

  describe('when an upload is complete', () => {
    it('appends its commitment, then a "received" event sealed to the case key, and records both indices', async () => {
      const commitment = upload('e1');
      const before = Date.now();
      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(2);

      const logged = store.evidence('e1')!;
      expect(log.entry(logged.logIndex!)).toEqual(commitment);
      const [event] = store.custodyEventsOf('e1');
      expect(event!.logIndex).toBe(logged.logIndex! + 1);
      expect(log.entry(event!.logIndex!)).toEqual(event!.commitment);

      const opened = openCustodyEvent(event!.sealed, caseKeys.secretKey);
      expect(custodyCommitment(opened.salt, opened.event)).toEqual(event!.commitment);
      const json = new TextDecoder().decode(opened.event);
      const document = JSON.parse(json) as { at: string };
      expect(Object.keys(document)).toEqual(['v', 'event', 'evidence', 'at', 'log']);
      expect(document).toEqual({
        v: 1,
        event: 'received',
        evidence: Buffer.from(commitment).toString('base64'),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00Z$/),
        log: ORIGIN,
      });
      expect(Date.parse(document.at)).toBeGreaterThan(before - 3600_000);
      expect(Date.parse(document.at)).toBeLessThanOrEqual(Date.now());
      // Neither the salt nor the event is readable in the node's database.
      const raw = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        const rows = raw.prepare('SELECT * FROM custody_events').all() as Record<string, unknown>[];
        const stored = Buffer.concat(
          rows.flatMap((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v))))),
        );
        expect(stored.includes(Buffer.from(opened.salt))).toBe(false);
        expect(stored.includes(Buffer.from(opened.event))).toBe(false);
        expect(stored.includes('received')).toBe(false);
      } finally {
        raw.close();
      }
    });

    it('appends nothing more on the next pass', async () => {
      upload('e1');
      await logPendingEvidence(store, over(log), caseKeys.publicKey);
      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(0);
      expect(log.size).toBe(2);
      expect(store.custodyEventsOf('e1')).toHaveLength(1);
    });
  });

  describe('when uploads are unfinished, or came before commitments existed', () => {
    it('leaves them alone', async () => {
      store.addEvidence('unfinished', 'c', 100, new Uint8Array(32));
      upload('old');
      const db = new Database(join(dir, DATABASE_FILE));
      db.prepare("UPDATE evidence SET commitment = NULL WHERE id = 'old'").run();
      db.close();
      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(0);
      expect(log.size).toBe(0);
      expect(store.custodyEventsOf('old')).toEqual([]);
    });
  });

  describe('when many uploads wait', () => {
    it('logs each once, its commitment before its event', async () => {
      const ids = Array.from({ length: 300 }, (_, i) => `e${i}`);
      for (const id of ids) upload(id);
      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(600);
      expect(log.size).toBe(600);
      for (const id of ids) {
        const index = store.evidence(id)!.logIndex!;
        expect(store.custodyEventsOf(id)[0]!.logIndex).toBeGreaterThan(index);
      }
    });
  });

  describe('when an append fails', () => {
    it('records those that succeeded, and a later pass appends the rest, once', async () => {
      const commitment = upload('e1');
      const refusing: EvidenceLog = {
        origin: ORIGIN,
        append: (entry) =>
          Buffer.from(entry).equals(commitment) ? Promise.reject(new Error('disk full')) : log.append(entry),
      };
      await expect(logPendingEvidence(store, refusing, caseKeys.publicKey)).rejects.toThrow(EvidenceLogError);
      expect(store.evidenceAwaitingLog().map((e) => e.id)).toEqual(['e1']);
      expect(store.custodyEventsAwaitingLog()).toEqual([]);

      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(1);
      expect(log.size).toBe(2);
      expect(log.entry(store.evidence('e1')!.logIndex!)).toEqual(commitment);
      expect(store.custodyEventsOf('e1')).toHaveLength(1);
    });
  });

  describe('when the node stops after an append is durable but before its index is recorded', () => {
    it('appends the entries again at the next start: twice, never zero times, and one event', async () => {
      const commitment = upload('e1');
      // Durable in the log, then the process is gone before SQLite hears of it.
      const crashing: EvidenceLog = {
        origin: ORIGIN,
        append: async (entry) => {
          await log.append(entry);
          throw new Error('killed');
        },
      };
      await expect(logPendingEvidence(store, crashing, caseKeys.publicKey)).rejects.toThrow(EvidenceLogError);
      store.close();
      await log.close();
      store = new CaseStore(dir);
      log = await openLogStore(join(dir, 'log'));
      expect(log.size).toBe(2);

      expect(await logPendingEvidence(store, over(log), caseKeys.publicKey)).toBe(2);
      expect(log.size).toBe(4);
      const [event] = store.custodyEventsOf('e1');
      expect(store.custodyEventsOf('e1')).toHaveLength(1);
      expect([log.entry(0), log.entry(2)]).toEqual([commitment, commitment]);
      expect([log.entry(1), log.entry(3)]).toEqual([event!.commitment, event!.commitment]);
      expect(store.evidence('e1')!.logIndex).toBe(2);
      expect(event!.logIndex).toBe(3);
    });
  });
});
