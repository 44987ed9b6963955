import { describe, expect, it } from 'vitest';
import { type OutboxItem, itemsFrom } from './items.ts';
import type { EvidenceEntry, GroupEntry } from './records.ts';

const evidence = (id: string, change: Partial<EvidenceEntry> = {}): EvidenceEntry => ({
  v: 1,
  type: 'evidence',
  id,
  created: 1,
  kind: 'video',
  size: 5000,
  staged: true,
  ...change,
});

const report = (id: string, evidenceIds: string[], change: Partial<GroupEntry> = {}): GroupEntry => ({
  v: 1,
  type: 'group',
  id,
  created: 2,
  body: 'e30',
  reportBytes: 2048,
  lookup: 'AAAA',
  evidenceIds,
  ...change,
});

const byId = (...entries: EvidenceEntry[]) => new Map(entries.map((e) => [e.id, e]));
const list = (items: Map<string, OutboxItem>) => [...items.values()];

describe('itemsFrom', () => {
  describe('for a report still to send', () => {
    it('lists the report, then each of its files, all waiting', () => {
      const items = itemsFrom([report('r', ['a', 'b'])], byId(evidence('a'), evidence('b')), new Map());
      expect(list(items)).toEqual([
        { id: 'r', kind: 'report', group: 'r', total: 2048, state: 'waiting-network', sent: 0 },
        { id: 'a', kind: 'evidence', group: 'r', fileKind: 'video', total: 5000, state: 'waiting-network', sent: 0 },
        { id: 'b', kind: 'evidence', group: 'r', fileKind: 'video', total: 5000, state: 'waiting-network', sent: 0 },
      ]);
    });

    it('keeps what the page saw of a waiting item: bytes sent and the last error', () => {
      const previous = itemsFrom([report('r', ['a'])], byId(evidence('a')), new Map());
      previous.set('a', { ...previous.get('a')!, sent: 1200, error: 'network' });
      const items = itemsFrom([report('r', ['a'])], byId(evidence('a')), previous);
      expect(items.get('a')).toMatchObject({ state: 'waiting-network', sent: 1200, error: 'network' });
    });
  });

  describe('for a report the node accepted', () => {
    it('shows it done, its files still waiting', () => {
      const items = itemsFrom([report('r', ['a'], { body: undefined })], byId(evidence('a')), new Map());
      expect(items.get('r')).toMatchObject({ state: 'done', sent: 2048 });
      expect(items.get('a')).toMatchObject({ state: 'waiting-network' });
    });
  });

  describe('for files attached on follow-up', () => {
    it('lists the files and no report', () => {
      const attachment = report('f', ['a'], { body: undefined, reportBytes: undefined });
      expect(list(itemsFrom([attachment], byId(evidence('a')), new Map())).map((i) => i.id)).toEqual(['a']);
    });
  });

  describe('when the node refused', () => {
    it('shows a refused file with the node’s code', () => {
      const items = itemsFrom(
        [report('r', ['a'], { body: undefined })],
        byId(evidence('a', { refused: 'too-large' })),
        new Map(),
      );
      expect(items.get('a')).toMatchObject({ state: 'refused', error: 'too-large' });
    });

    it('shows the files of a refused report as refused too', () => {
      const items = itemsFrom([report('r', ['a'], { refused: 'invalid-request' })], byId(evidence('a')), new Map());
      expect(items.get('r')).toMatchObject({ state: 'refused', error: 'invalid-request' });
      expect(items.get('a')).toMatchObject({ state: 'refused', error: 'report-refused' });
    });
  });

  describe('for what waits under a receipt code this page does not hold', () => {
    it('lists one locked report per code, first, with nothing known of it', () => {
      const items = itemsFrom([report('r', ['a'])], byId(evidence('a')), new Map(), ['key-1', 'key-2']);
      expect(list(items).map((i) => [i.id, i.state])).toEqual([
        ['key-1', 'locked'],
        ['key-2', 'locked'],
        ['r', 'waiting-network'],
        ['a', 'waiting-network'],
      ]);
      expect(items.get('key-1')).toEqual({
        id: 'key-1',
        kind: 'report',
        group: 'key-1',
        state: 'locked',
        sent: 0,
        total: 0,
      });
    });

    it('drops the locked item once its code is typed, for what it opened', () => {
      const before = itemsFrom([], new Map(), new Map(), ['key-1']);
      expect(list(itemsFrom([report('r', ['a'])], byId(evidence('a')), before)).map((i) => i.id)).toEqual(['r', 'a']);
    });
  });

  describe('after items left the outbox', () => {
    it('keeps the ones sent since the page loaded, as done, in their place', () => {
      const before = itemsFrom(
        [report('r', ['a', 'b'], { body: undefined })],
        byId(evidence('a'), evidence('b')),
        new Map(),
      );
      before.set('a', { ...before.get('a')!, state: 'done', sent: 5000 });
      const after = itemsFrom([report('r', ['a', 'b'], { body: undefined })], byId(evidence('b')), before);
      expect(list(after).map((i) => [i.id, i.state])).toEqual([
        ['r', 'done'],
        ['a', 'done'],
        ['b', 'waiting-network'],
      ]);
    });

    it('drops the ones that were discarded', () => {
      const before = itemsFrom([report('r', ['a'], { refused: 'invalid-request' })], byId(evidence('a')), new Map());
      expect(itemsFrom([], new Map(), before).size).toBe(0);
    });
  });
});
