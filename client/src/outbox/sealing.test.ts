import { describe, expect, it } from 'vitest';
import { createSealingKey, openItem, sealItem } from './sealing.ts';

const item = { v: 1, type: 'group', lookup: 'secret-lookup', body: 'triage within-72h' };

describe('sealItem', () => {
  it('opens with the same key and id to the same value', async () => {
    const key = await createSealingKey();
    expect(await openItem(key, 'id-1', await sealItem(key, 'id-1', item))).toEqual(item);
  });

  it('leaves none of the value readable', async () => {
    const key = await createSealingKey();
    const sealed = new TextDecoder('latin1').decode(await sealItem(key, 'id-1', item));
    for (const secret of ['secret-lookup', 'within-72h', 'group']) expect(sealed).not.toContain(secret);
  });

  it('uses a fresh nonce each time', async () => {
    const key = await createSealingKey();
    const [a, b] = await Promise.all([sealItem(key, 'id', item), sealItem(key, 'id', item)]);
    expect(Buffer.from(a!.subarray(0, 12)).equals(Buffer.from(b!.subarray(0, 12)))).toBe(false);
  });

  describe('when opened under another id', () => {
    it('fails: items cannot be swapped', async () => {
      const key = await createSealingKey();
      await expect(openItem(key, 'id-2', await sealItem(key, 'id-1', item))).rejects.toThrow();
    });
  });

  describe('when opened with another key', () => {
    it('fails', async () => {
      const sealed = await sealItem(await createSealingKey(), 'id', item);
      await expect(openItem(await createSealingKey(), 'id', sealed)).rejects.toThrow();
    });
  });
});

describe('createSealingKey', () => {
  it('makes a key whose bytes cannot be exported', async () => {
    const key = await createSealingKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });
});
