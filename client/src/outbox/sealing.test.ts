import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateReceiptCode } from '../envelope/index.ts';
import { deriveItemKey, deriveKeyId, openItem, sealItem } from './sealing.ts';

const item = { v: 1, type: 'group', lookup: 'secret-lookup', body: 'triage within-72h' };
const CODE = '1234 5678 9012 3456 7890 1234 5678';
const DIGITS = CODE.replace(/ /g, '');

/** RFC 5869 HKDF-SHA-256 by Node's own implementation: the derivation, as specified. */
const hkdf = (info: string, bytes: number) => Buffer.from(hkdfSync('sha256', DIGITS, 'backup outbox v1', info, bytes));

describe('deriveItemKey', () => {
  it('derives the key id as HKDF-SHA-256 over the 28 digits (info "backup outbox key id v1"), base64url', async () => {
    const { id } = await deriveItemKey(CODE);
    expect(id).toBe(hkdf('backup outbox key id v1', 8).toString('base64url'));
    expect(await deriveKeyId(CODE)).toBe(id);
  });

  it('derives the AES-256-GCM key as HKDF-SHA-256 with info "backup outbox items v1"', async () => {
    // Sealed by Node with the key derived independently; opened with the derived key.
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', hkdf('backup outbox items v1', 32), iv);
    cipher.setAAD(Buffer.from('backup outbox item v1 id-1'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(item)), cipher.final(), cipher.getAuthTag()]);
    const { key } = await deriveItemKey(CODE);
    expect(await openItem(key, 'id-1', new Uint8Array(Buffer.concat([iv, ct])))).toEqual(item);
  });

  it('reads the code as typed: spaces, dashes and Arabic-Indic digits name the same key', async () => {
    const arabic = DIGITS.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    const ids = await Promise.all([CODE, DIGITS, DIGITS.replace(/(.{4})/g, '$1-'), arabic].map(deriveKeyId));
    expect(new Set(ids).size).toBe(1);
  });

  it('makes a key whose bytes cannot be exported', async () => {
    const { key } = await deriveItemKey(CODE);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('rejects a code with a typing mistake', async () => {
    await expect(deriveItemKey(CODE.slice(0, -1) + '2')).rejects.toThrow(
      expect.objectContaining({ name: 'ReceiptCodeError' }),
    );
  });

  describe('for another code', () => {
    it('derives another key and id', async () => {
      const [a, b] = await Promise.all([deriveItemKey(CODE), deriveItemKey(generateReceiptCode())]);
      expect(a.id).not.toBe(b.id);
      await expect(openItem(b.key, 'id', await sealItem(a.key, 'id', item))).rejects.toThrow();
    });
  });
});

describe('sealItem', () => {
  it('opens with the same key and id to the same value', async () => {
    const { key } = await deriveItemKey(CODE);
    expect(await openItem(key, 'id-1', await sealItem(key, 'id-1', item))).toEqual(item);
  });

  it('leaves none of the value readable', async () => {
    const { key } = await deriveItemKey(CODE);
    const sealed = new TextDecoder('latin1').decode(await sealItem(key, 'id-1', item));
    for (const secret of ['secret-lookup', 'within-72h', 'group']) expect(sealed).not.toContain(secret);
  });

  it('uses a fresh nonce each time', async () => {
    const { key } = await deriveItemKey(CODE);
    const [a, b] = await Promise.all([sealItem(key, 'id', item), sealItem(key, 'id', item)]);
    expect(Buffer.from(a!.subarray(0, 12)).equals(Buffer.from(b!.subarray(0, 12)))).toBe(false);
  });

  describe('when opened under another id', () => {
    it('fails: items cannot be swapped', async () => {
      const { key } = await deriveItemKey(CODE);
      await expect(openItem(key, 'id-2', await sealItem(key, 'id-1', item))).rejects.toThrow();
    });
  });
});
