import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CaseStore,
  DATABASE_FILE,
  DuplicateReceiptError,
  MessageLimitError,
  type NewCase,
  type NewMessage,
  SCHEMA_VERSION,
  UnknownCaseError,
  currentHour,
} from './index.ts';

function newCase(label: string, verifier: Uint8Array = randomBytes(32)): NewCase {
  return {
    id: randomBytes(16).toString('base64url'),
    verifier,
    replyKey: randomBytes(32),
    envelope: JSON.stringify({ v: 1, label }),
    shared: JSON.stringify({ triage: 'unknown', label }),
  };
}

function newMessage(caseId: string, author: NewMessage['author'], label: string): NewMessage {
  return { id: randomBytes(16).toString('base64url'), caseId, author, envelope: JSON.stringify({ v: 1, label }) };
}

/** The tables of schema 2, as the release before messages made them. */
const SCHEMA_2 = `
  CREATE TABLE cases (id TEXT PRIMARY KEY, verifier BLOB NOT NULL UNIQUE, reply_key BLOB NOT NULL,
    received_hour TEXT NOT NULL, envelope TEXT NOT NULL, shared TEXT NOT NULL, status TEXT NOT NULL,
    v INTEGER NOT NULL) STRICT;
  CREATE TABLE evidence (id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    length INTEGER NOT NULL, complete INTEGER NOT NULL, created_hour TEXT NOT NULL, v INTEGER NOT NULL,
    expired INTEGER NOT NULL DEFAULT 0) STRICT;
  CREATE INDEX evidence_by_case ON evidence(case_id);
`;

/** A stand-in evidence commitment: 32 bytes, as the node accepts. */
const commitment = (byte = 7) => new Uint8Array(32).fill(byte);

/** The tables of schema 3, as the release before the integrity log made them. */
const SCHEMA_3 = `${SCHEMA_2}
  CREATE TABLE messages (id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    author TEXT NOT NULL CHECK (author IN ('reporter', 'caseworker')), received_hour TEXT NOT NULL,
    envelope TEXT NOT NULL, v INTEGER NOT NULL) STRICT;
  CREATE INDEX messages_by_case ON messages(case_id);
`;

async function settle(promises: Promise<void>[]) {
  return Promise.allSettled(promises);
}

describe('CaseStore', () => {
  let dir: string;
  let store: CaseStore | undefined;
  const open = () => (store = new CaseStore(dir));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-store-'));
  });

  afterEach(async () => {
    store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  describe('when a case is inserted', () => {
    it('can be read by its verifier and in the list of all cases once insertCase resolves', async () => {
      const s = open();
      const record = newCase('first');
      await s.insertCase(record);
      const found = s.caseByVerifier(record.verifier);
      expect(found).toEqual({
        id: record.id,
        status: 'received',
        receivedHour: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00Z$/) as unknown,
        envelope: record.envelope,
        shared: record.shared,
      });
      expect(s.allCases()).toEqual([found]);
    });

    it('is committed: a second connection sees it as soon as insertCase resolves', async () => {
      const s = open();
      const record = newCase('committed');
      await s.insertCase(record);
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        const row = other.prepare('SELECT id FROM cases WHERE verifier = ?').get(record.verifier) as
          { id: string } | undefined;
        expect(row?.id).toBe(record.id);
      } finally {
        other.close();
      }
    });

    it('keeps the received time to the hour', async () => {
      const s = open();
      const record = newCase('hour');
      const before = currentHour();
      await s.insertCase(record);
      const after = currentHour();
      expect([before, after]).toContain(s.caseByVerifier(record.verifier)!.receivedHour);
    });

    it('answers undefined for a verifier it does not hold', () => {
      expect(open().caseByVerifier(randomBytes(32))).toBeUndefined();
    });
  });

  describe('when many cases are inserted concurrently', () => {
    it('lands every one of them', async () => {
      const s = open();
      const records = Array.from({ length: 200 }, (_, i) => newCase(`case ${i}`));
      await Promise.all(records.map((r) => s.insertCase(r)));
      const all = s.allCases();
      expect(all).toHaveLength(200);
      expect(new Set(all.map((c) => c.id))).toEqual(new Set(records.map((r) => r.id)));
      for (const r of records) expect(s.caseByVerifier(r.verifier)?.id).toBe(r.id);
    });
  });

  describe('when two reports in one batch share a receipt', () => {
    it('rejects only the second, with DuplicateReceiptError, and lands the others', async () => {
      const s = open();
      const shared = randomBytes(32);
      const records = [newCase('a'), newCase('first', shared), newCase('b'), newCase('second', shared), newCase('c')];
      const outcomes = await settle(records.map((r) => s.insertCase(r)));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateReceiptError);
      expect(s.caseByVerifier(shared)?.envelope).toBe(records[1]!.envelope);
      expect(s.allCases().map((c) => c.id)).toEqual([records[0], records[1], records[2], records[4]].map((r) => r!.id));
    });
  });

  describe('when a report reuses a receipt already committed', () => {
    it('rejects it with DuplicateReceiptError and keeps the first', async () => {
      const s = open();
      const shared = randomBytes(32);
      const first = newCase('first', shared);
      await s.insertCase(first);
      await expect(s.insertCase(newCase('second', shared))).rejects.toBeInstanceOf(DuplicateReceiptError);
      expect(s.allCases().map((c) => c.id)).toEqual([first.id]);
    });
  });

  describe('when a case id collides', () => {
    it('rejects the later insert with DuplicateReceiptError', async () => {
      const s = open();
      const first = newCase('first');
      await s.insertCase(first);
      await expect(s.insertCase({ ...newCase('second'), id: first.id })).rejects.toBeInstanceOf(DuplicateReceiptError);
    });
  });

  describe('when the store is closed and opened again', () => {
    it('keeps every case and evidence record', async () => {
      const s = open();
      const records = Array.from({ length: 20 }, (_, i) => newCase(`case ${i}`));
      await Promise.all(records.map((r) => s.insertCase(r)));
      s.addEvidence('ev-1', records[3]!.id, 1234, commitment());
      s.markEvidenceComplete('ev-1');
      s.close();
      store = undefined;

      const reopened = open();
      expect(reopened.allCases().map((c) => c.id)).toEqual(records.map((r) => r.id));
      expect(reopened.caseByVerifier(records[7]!.verifier)?.envelope).toBe(records[7]!.envelope);
      expect(reopened.evidenceOfCase(records[3]!.id)).toEqual([
        {
          id: 'ev-1',
          caseId: records[3]!.id,
          length: 1234,
          complete: true,
          expired: false,
          createdHour: currentHour(),
          commitment: commitment(),
        },
      ]);
    });
  });

  describe('its database', () => {
    it('is in WAL mode, as a second connection sees', () => {
      open();
      const other = new Database(join(dir, DATABASE_FILE));
      try {
        expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        other.close();
      }
    });

    // synchronous is a property of each connection, not of the file: a second connection
    // to a WAL database reads better-sqlite3's WAL default (1, NORMAL) whatever the store
    // set. So this reads the store's own connection, after a reopen, when the file is
    // already in WAL mode and only the store's own pragma can make it FULL.
    it('is written with synchronous=FULL by the store, also when reopened', () => {
      open().close();
      const reopened = open();
      const own = (reopened as unknown as { db: Database.Database }).db;
      expect(own.pragma('synchronous', { simple: true })).toBe(2);
    });

    it('enforces foreign keys on the store connection', () => {
      const own = (open() as unknown as { db: Database.Database }).db;
      expect(own.pragma('foreign_keys', { simple: true })).toBe(1);
    });

    it('has the current schema version', () => {
      open();
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
        expect(other.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      } finally {
        other.close();
      }
    });

    it('keeps the schema version when opened again', () => {
      open().close();
      store = undefined;
      open();
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        expect(other.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      } finally {
        other.close();
      }
    });
  });

  describe('when the database was made by the first release (schema 1)', () => {
    it('migrates it, keeping every record, and new uploads can expire', () => {
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`
        CREATE TABLE cases (id TEXT PRIMARY KEY, verifier BLOB NOT NULL UNIQUE, reply_key BLOB NOT NULL,
          received_hour TEXT NOT NULL, envelope TEXT NOT NULL, shared TEXT NOT NULL, status TEXT NOT NULL,
          v INTEGER NOT NULL) STRICT;
        CREATE TABLE evidence (id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
          length INTEGER NOT NULL, complete INTEGER NOT NULL, created_hour TEXT NOT NULL, v INTEGER NOT NULL) STRICT;
        CREATE INDEX evidence_by_case ON evidence(case_id);
        INSERT INTO cases VALUES ('c1', x'01', x'02', '2026-01-01T00:00Z', '{}', '{}', 'received', 1);
        INSERT INTO evidence VALUES ('e1', 'c1', 10, 0, '2026-01-01T00:00Z', 1);
        PRAGMA user_version = 1;
      `);
      db.close();
      const s = open();
      expect(s.allCases().map((c) => c.id)).toEqual(['c1']);
      expect(s.evidence('e1')).toMatchObject({ caseId: 'c1', complete: false, expired: false });
      s.markEvidenceExpired('e1');
      expect(s.evidence('e1')?.expired).toBe(true);
    });
  });

  describe('when the database was made by the release before messages (schema 2)', () => {
    function makeSchema2() {
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`${SCHEMA_2}
        INSERT INTO cases VALUES ('c1', x'01', x'0202', '2026-01-01T00:00Z', '{"v":1}', '{}', 'received', 1);
        INSERT INTO evidence VALUES ('e1', 'c1', 10, 1, '2026-01-01T00:00Z', 1, 0);
        INSERT INTO evidence VALUES ('e2', 'c1', 20, 0, '2026-01-01T00:00Z', 1, 1);
        PRAGMA user_version = 2;
      `);
      db.close();
    }

    it('migrates it to the current schema, keeping every record', () => {
      makeSchema2();
      const s = open();
      expect(s.allCases()).toEqual([
        { id: 'c1', status: 'received', receivedHour: '2026-01-01T00:00Z', envelope: '{"v":1}', shared: '{}' },
      ]);
      expect(s.replyKeyOf('c1')).toEqual(new Uint8Array([2, 2]));
      expect(s.evidenceOfCase('c1')).toMatchObject([
        { id: 'e1', complete: true, expired: false },
        { id: 'e2', complete: false, expired: true },
      ]);
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        expect(other.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      } finally {
        other.close();
      }
    });

    it('lets the migrated cases take messages', async () => {
      makeSchema2();
      const s = open();
      expect(s.messagesOfCase('c1')).toEqual([]);
      const message = newMessage('c1', 'caseworker', 'after the upgrade');
      await s.insertMessage(message);
      expect(s.messagesOfCase('c1')).toEqual([{ ...message, receivedHour: currentHour() }]);
    });

    it('refuses a read-only opening until the node has upgraded it', () => {
      makeSchema2();
      expect(() => new CaseStore(dir, { readonly: true })).toThrow(/older than this software.*start the node/);
      open().close();
      store = undefined;
      const reader = new CaseStore(dir, { readonly: true });
      reader.close();
    });
  });

  describe('when the database was made by the release before the integrity log (schema 3)', () => {
    function makeSchema3() {
      const db = new Database(join(dir, DATABASE_FILE));
      db.exec(`${SCHEMA_3}
        INSERT INTO cases VALUES ('c1', x'01', x'02', '2026-01-01T00:00Z', '{"v":1}', '{}', 'received', 1);
        INSERT INTO evidence VALUES ('e1', 'c1', 10, 1, '2026-01-01T00:00Z', 1, 0);
        INSERT INTO evidence VALUES ('e2', 'c1', 20, 0, '2026-01-01T00:00Z', 1, 0);
        INSERT INTO messages VALUES ('m1', 'c1', 'caseworker', '2026-01-01T01:00Z', '{"v":1}', 1);
        PRAGMA user_version = 3;
      `);
      db.close();
    }

    it('migrates it to the current schema, keeping every record, with no commitment on the old uploads', () => {
      makeSchema3();
      const s = open();
      expect(s.evidenceOfCase('c1')).toEqual([
        { id: 'e1', caseId: 'c1', length: 10, complete: true, expired: false, createdHour: '2026-01-01T00:00Z' },
        { id: 'e2', caseId: 'c1', length: 20, complete: false, expired: false, createdHour: '2026-01-01T00:00Z' },
      ]);
      expect(s.messagesOfCase('c1').map((m) => m.id)).toEqual(['m1']);
      expect(s.custodyEventsOf('e1')).toEqual([]);
      // Their reporters' devices sent no commitment, and the node cannot make one.
      expect(s.evidenceAwaitingLog()).toEqual([]);
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        expect(other.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      } finally {
        other.close();
      }
    });

    it('lets the migrated cases take uploads that are logged, with custody events', () => {
      makeSchema3();
      const s = open();
      s.addEvidence('e3', 'c1', 30, commitment(3));
      s.markEvidenceComplete('e3');
      expect(s.evidenceAwaitingLog().map((e) => e.id)).toEqual(['e3']);
      const event = s.addCustodyEvent({ evidenceId: 'e3', sealed: new Uint8Array(90), commitment: commitment(4) });
      s.recordLogIndices({ evidence: [['e3', 0]], custody: [[event, 1]] });
      expect(s.evidence('e3')?.logIndex).toBe(0);
      expect(s.custodyEventsOf('e3')[0]?.logIndex).toBe(1);
    });

    it('refuses a read-only opening until the node has upgraded it', () => {
      makeSchema3();
      expect(() => new CaseStore(dir, { readonly: true })).toThrow(/older than this software.*start the node/);
      open().close();
      store = undefined;
      new CaseStore(dir, { readonly: true }).close();
    });
  });

  describe('when the database was made by newer software', () => {
    it('refuses to open it', () => {
      const db = new Database(join(dir, DATABASE_FILE));
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      expect(() => open()).toThrow(/newer than this software/);
    });
  });

  describe('messages', () => {
    it('are listed per case, oldest first, with the hour they arrived', async () => {
      const s = open();
      const owner = newCase('owner');
      const other = newCase('other');
      await Promise.all([s.insertCase(owner), s.insertCase(other)]);
      const first = newMessage(owner.id, 'caseworker', 'first');
      const elsewhere = newMessage(other.id, 'reporter', 'elsewhere');
      const second = newMessage(owner.id, 'reporter', 'second');
      await s.insertMessage(first);
      await s.insertMessage(elsewhere);
      await s.insertMessage(second);
      const hour = currentHour();
      expect(s.messagesOfCase(owner.id)).toEqual([
        { ...first, receivedHour: hour },
        { ...second, receivedHour: hour },
      ]);
      expect(s.messagesOfCase(other.id)).toEqual([{ ...elsewhere, receivedHour: hour }]);
      expect(s.messagesOfCase('no-such-case')).toEqual([]);
    });

    it('are committed once insertMessage resolves: a second connection sees them', async () => {
      const s = open();
      const owner = newCase('owner');
      await s.insertCase(owner);
      const message = newMessage(owner.id, 'reporter', 'durable');
      await s.insertMessage(message);
      const other = new Database(join(dir, DATABASE_FILE), { readonly: true });
      try {
        const row = other.prepare('SELECT case_id AS caseId, envelope FROM messages WHERE id = ?').get(message.id);
        expect(row).toEqual({ caseId: owner.id, envelope: message.envelope });
      } finally {
        other.close();
      }
    });

    it('share a batch with new cases, and each lands', async () => {
      const s = open();
      const owner = newCase('owner');
      await s.insertCase(owner);
      const cases = Array.from({ length: 20 }, (_, i) => newCase(`case ${i}`));
      const messages = Array.from({ length: 20 }, (_, i) => newMessage(owner.id, 'reporter', `message ${i}`));
      await Promise.all([...cases.map((c) => s.insertCase(c)), ...messages.map((m) => s.insertMessage(m))]);
      expect(s.allCases()).toHaveLength(21);
      expect(s.messagesOfCase(owner.id).map((m) => m.id)).toEqual(messages.map((m) => m.id));
    });

    it('survive closing and opening the store again', async () => {
      const s = open();
      const owner = newCase('owner');
      await s.insertCase(owner);
      const message = newMessage(owner.id, 'caseworker', 'kept');
      await s.insertMessage(message);
      s.close();
      store = undefined;
      expect(open().messagesOfCase(owner.id)).toEqual([{ ...message, receivedHour: currentHour() }]);
    });

    describe('for a case that does not exist', () => {
      it('are refused with UnknownCaseError, and the rest of the batch lands', async () => {
        const s = open();
        const owner = newCase('owner');
        await s.insertCase(owner);
        const good = newMessage(owner.id, 'reporter', 'good');
        const outcomes = await settle([
          s.insertMessage(newMessage('no-such-case', 'reporter', 'x')),
          s.insertMessage(good),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
        expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(UnknownCaseError);
        expect(s.messagesOfCase(owner.id).map((m) => m.id)).toEqual([good.id]);
      });
    });

    describe('with a limit per author', () => {
      it('holds the limit against concurrent senders, counting each author apart', async () => {
        const s = open();
        const owner = newCase('owner');
        await s.insertCase(owner);
        const outcomes = await settle(
          Array.from({ length: 8 }, (_, i) => s.insertMessage(newMessage(owner.id, 'reporter', `r${i}`), 5)),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
        for (const o of outcomes.filter((o) => o.status === 'rejected'))
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(MessageLimitError);
        await s.insertMessage(newMessage(owner.id, 'caseworker', 'still answered'), 5);
        expect(s.messagesOfCase(owner.id).map((m) => m.author)).toEqual([
          ...Array<string>(5).fill('reporter'),
          'caseworker',
        ]);
      });
    });

    it('cannot name an author other than the reporter or a caseworker', async () => {
      const s = open();
      const owner = newCase('owner');
      await s.insertCase(owner);
      const forged = { ...newMessage(owner.id, 'reporter', 'x'), author: 'node' } as unknown as NewMessage;
      await expect(s.insertMessage(forged)).rejects.toThrow(/CHECK constraint/);
    });
  });

  describe('replyKeyOf', () => {
    it('gives the reply key stored with a case, and undefined for an unknown case', async () => {
      const s = open();
      const record = newCase('keyed');
      await s.insertCase(record);
      expect(s.replyKeyOf(record.id)).toEqual(new Uint8Array(record.replyKey));
      expect(s.replyKeyOf('no-such-case')).toBeUndefined();
    });
  });

  describe('evidence records', () => {
    it('are added incomplete, counted, listed in order and marked complete', async () => {
      const s = open();
      const owner = newCase('owner');
      const other = newCase('other');
      await Promise.all([s.insertCase(owner), s.insertCase(other)]);

      expect(s.evidenceCount(owner.id)).toBe(0);
      expect(s.evidenceOfCase(owner.id)).toEqual([]);

      s.addEvidence('ev-b', owner.id, 10, commitment(1));
      s.addEvidence('ev-a', owner.id, 20, commitment(2));
      s.addEvidence('ev-c', other.id, 30, commitment(3));

      expect(s.evidenceCount(owner.id)).toBe(2);
      expect(s.evidenceCount(other.id)).toBe(1);
      expect(s.evidenceOfCase(owner.id)).toMatchObject([
        { id: 'ev-b', caseId: owner.id, length: 10, complete: false, expired: false },
        { id: 'ev-a', caseId: owner.id, length: 20, complete: false, expired: false },
      ]);

      s.markEvidenceComplete('ev-a');
      expect(s.evidence('ev-a')).toMatchObject({ id: 'ev-a', caseId: owner.id, length: 20, complete: true });
      expect(s.unfinishedEvidence().map((e) => e.id)).toEqual(['ev-b', 'ev-c']);
      s.markEvidenceExpired('ev-b');
      s.markEvidenceExpired('ev-a');
      expect(s.evidence('ev-b')?.expired).toBe(true);
      // A finished upload never expires, and an expired one no longer counts against the limit.
      expect(s.evidence('ev-a')?.expired).toBe(false);
      expect(s.evidenceCount(owner.id)).toBe(1);
      expect(s.unfinishedEvidence().map((e) => e.id)).toEqual(['ev-c']);
      expect(s.evidence('ev-b')?.complete).toBe(false);
      expect(s.evidenceOfCase(other.id)[0]?.complete).toBe(false);
      expect(s.evidence('ev-missing')).toBeUndefined();
    });

    it('cannot be added twice under one id', async () => {
      const s = open();
      const owner = newCase('owner');
      await s.insertCase(owner);
      s.addEvidence('ev-1', owner.id, 10, commitment());
      expect(() => s.addEvidence('ev-1', owner.id, 10, commitment())).toThrow();
      expect(s.evidenceCount(owner.id)).toBe(1);
    });

    describe('for a case that does not exist', () => {
      it('are refused by the foreign key', () => {
        const s = open();
        expect(() => s.addEvidence('ev-1', 'no-such-case', 10, commitment())).toThrow(/FOREIGN KEY/);
        expect(s.evidence('ev-1')).toBeUndefined();
      });
    });
  });

  describe('what awaits the evidence log', () => {
    async function withUploads(s: CaseStore): Promise<string> {
      const owner = newCase('owner');
      await s.insertCase(owner);
      s.addEvidence('ev-a', owner.id, 10, commitment(1));
      s.addEvidence('ev-b', owner.id, 20, commitment(2));
      s.addEvidence('ev-c', owner.id, 30, commitment(3));
      s.markEvidenceComplete('ev-c');
      s.markEvidenceComplete('ev-a');
      return owner.id;
    }

    it('is every complete upload not yet logged, oldest first, with its commitment', async () => {
      const s = open();
      await withUploads(s);
      expect(s.evidenceAwaitingLog().map((e) => [e.id, e.commitment])).toEqual([
        ['ev-a', commitment(1)],
        ['ev-c', commitment(3)],
      ]);
      s.setEvidenceLogIndex('ev-a', 5);
      expect(s.evidenceAwaitingLog().map((e) => e.id)).toEqual(['ev-c']);
      expect(s.evidence('ev-a')?.logIndex).toBe(5);
      expect(s.evidence('ev-b')?.logIndex).toBeUndefined();
    });

    it('keeps the first index recorded for an upload or an event logged twice', async () => {
      const s = open();
      await withUploads(s);
      const event = s.addCustodyEvent({ evidenceId: 'ev-a', sealed: new Uint8Array(90), commitment: commitment(9) });
      s.recordLogIndices({ evidence: [['ev-a', 5]], custody: [[event, 6]] });
      s.setEvidenceLogIndex('ev-a', 12);
      s.setCustodyLogIndex(event, 13);
      expect(s.evidence('ev-a')?.logIndex).toBe(5);
      expect(s.custodyEventsOf('ev-a')[0]?.logIndex).toBe(6);
    });

    it('holds custody events per upload, in order, until each is logged', async () => {
      const s = open();
      await withUploads(s);
      const sealed = new Uint8Array(randomBytes(120));
      const first = s.addCustodyEvent({ evidenceId: 'ev-c', sealed, commitment: commitment(7) });
      const second = s.addCustodyEvent({ evidenceId: 'ev-c', sealed: new Uint8Array(90), commitment: commitment(8) });
      const elsewhere = s.addCustodyEvent({
        evidenceId: 'ev-a',
        sealed: new Uint8Array(90),
        commitment: commitment(9),
      });
      expect(second).toBeGreaterThan(first);
      expect(s.custodyEventsOf('ev-c')).toEqual([
        { id: first, evidenceId: 'ev-c', sealed, commitment: commitment(7), createdHour: currentHour() },
        {
          id: second,
          evidenceId: 'ev-c',
          sealed: new Uint8Array(90),
          commitment: commitment(8),
          createdHour: currentHour(),
        },
      ]);
      s.setCustodyLogIndex(second, 3);
      expect(s.custodyEventsAwaitingLog().map((e) => e.id)).toEqual([first, elsewhere]);
      expect(s.custodyEventsOf('ev-c')[1]?.logIndex).toBe(3);
    });

    it('records indices together or not at all', async () => {
      const s = open();
      await withUploads(s);
      const event = s.addCustodyEvent({ evidenceId: 'ev-c', sealed: new Uint8Array(90), commitment: commitment(7) });
      // The STRICT table refuses text in log_index: the whole transaction is undone.
      expect(() =>
        s.recordLogIndices({ evidence: [['ev-c', 3]], custody: [[event, 'four' as unknown as number]] }),
      ).toThrow();
      expect(s.evidence('ev-c')?.logIndex).toBeUndefined();
      expect(s.custodyEventsAwaitingLog().map((e) => e.id)).toEqual([event]);
    });

    it('refuses a custody event for an upload that does not exist', () => {
      const s = open();
      expect(() =>
        s.addCustodyEvent({ evidenceId: 'nope', sealed: new Uint8Array(90), commitment: commitment() }),
      ).toThrow(/FOREIGN KEY/);
    });
  });

  describe('ping', () => {
    it('is true while open', () => {
      expect(open().ping()).toBe(true);
    });

    it('is false once closed', () => {
      const s = open();
      s.close();
      store = undefined;
      expect(s.ping()).toBe(false);
    });
  });

  describe('when opened with mustExist', () => {
    it('refuses a folder without a database, and creates none', () => {
      expect(() => new CaseStore(dir, { mustExist: true })).toThrow();
      expect(() => new CaseStore(dir, { readonly: true })).toThrow();
      const s = open();
      s.close();
      store = undefined;
      new CaseStore(dir, { mustExist: true }).close();
    });
  });

  describe('when opened read-only', () => {
    it('reads what the writer committed and refuses to write', async () => {
      const s = open();
      const record = newCase('ro');
      await s.insertCase(record);
      const reader = new CaseStore(dir, { readonly: true });
      try {
        expect(reader.caseByVerifier(record.verifier)?.id).toBe(record.id);
        await expect(reader.insertCase(newCase('x'))).rejects.toThrow(/readonly/i);
      } finally {
        reader.close();
      }
    });
  });

  it('stores the verifier as given, so a hash of the lookup finds the case', async () => {
    const s = open();
    const lookup = randomBytes(32);
    const verifier = createHash('sha256').update(lookup).digest();
    const record = newCase('by hash', verifier);
    await s.insertCase(record);
    expect(s.caseByVerifier(createHash('sha256').update(lookup).digest())?.id).toBe(record.id);
  });
});

describe('currentHour', () => {
  it('truncates a time to its hour, in UTC', () => {
    expect(currentHour(new Date('2026-01-02T03:45:59.999Z'))).toBe('2026-01-02T03:00Z');
  });

  it('keeps a time already on the hour', () => {
    expect(currentHour(new Date('2026-12-31T23:00:00.000Z'))).toBe('2026-12-31T23:00Z');
  });

  it('uses UTC whatever the offset the time was written with', () => {
    expect(currentHour(new Date('2026-01-02T03:30:00+05:30'))).toBe('2026-01-01T22:00Z');
  });
});
