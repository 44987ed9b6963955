import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import { type LogStore, openLogStore } from '../log/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  formatVerifierKey,
  noteSigner,
  parseNote,
  parseVerifierKey,
} from '../note/index.ts';
import { type WitnessStore, createWitness, openWitnessStore } from '../witness/index.ts';
import { CheckpointPublisher } from './publisher.ts';

const verify = nodeEd25519Verify();
let dir = '';
let log: LogStore;
let store: WitnessStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'publisher-'));
  log = await openLogStore(join(dir, 'log'));
  store = openWitnessStore(join(dir, 'witness.sqlite'));
});
afterEach(async () => {
  await log.close();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CheckpointPublisher', () => {
  const signer = noteSigner('backup/test/0000000a', ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
  const witnessSigner = noteSigner(
    'backup/w/witness',
    COSIGNATURE_V1_KEY_TYPE,
    nodeEd25519Signer(generateEd25519Seed()),
  );

  function publisher(asked: { n: number }) {
    const witness = createWitness({
      name: witnessSigner.name,
      signer: witnessSigner,
      store,
      logs: () => [
        { origin: signer.name, verifierKey: formatVerifierKey(signer.name, ED25519_KEY_TYPE, signer.publicKey) },
      ],
      verify,
    });
    const verifier = parseVerifierKey(
      formatVerifierKey(witnessSigner.name, COSIGNATURE_V1_KEY_TYPE, witnessSigner.publicKey),
      verify,
    );
    return new CheckpointPublisher(
      {
        log,
        signer,
        witnesses: () => [
          {
            id: 'w',
            verifier,
            send: async (body) => {
              asked.n++;
              return witness.addCheckpoint(body);
            },
          },
        ],
        announce: async () => undefined,
        warn: () => undefined,
      },
      { path: join(dir, 'checkpoint'), intervalMs: 3_600_000 },
    );
  }

  it('signs when the log grew, gets it cosigned, and after a restart asks nobody again for the same one', async () => {
    await log.append(new Uint8Array(32).fill(1));
    const asked = { n: 0 };
    const first = publisher(asked);
    await first.start();
    const note = await first.publish();
    expect(parseNote(note).signatures).toHaveLength(2);
    await first.stop();
    for (let restart = 0; restart < 5; restart++) {
      const again = publisher(asked);
      await again.start();
      expect(await again.publish()).toBe(note);
      await again.stop();
    }
    expect(asked.n).toBe(1);

    await log.append(new Uint8Array(32).fill(2));
    const grown = publisher(asked);
    await grown.start();
    const next = await grown.publish();
    await grown.stop();
    expect(next.split('\n')[1]).toBe('2');
    expect(parseNote(next).signatures).toHaveLength(2);
  });
});
