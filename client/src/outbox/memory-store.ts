// The outbox when a browser offers no IndexedDB (Firefox and Tor Browser private modes):
// the same interface, kept in the page's memory, so nothing survives a reload. Staged
// evidence keeps the encryptor over the reporter's file rather than its ciphertext, so a
// large video is still encrypted a slice at a time as it uploads, never held whole.
import type { EvidenceEncryptor } from '../envelope/index.ts';
import type { UploadSource } from '../intake/index.ts';
import { OutboxClosedError, StagedEvidenceError } from './errors.ts';
import type { OutboxStore, SealedItem, StageCiphertextOptions } from './store.ts';

export function createMemoryStore(): OutboxStore {
  return new MemoryStore();
}

class MemoryStore implements OutboxStore {
  readonly persistent = false;
  private readonly sealed = new Map<string, SealedItem>();
  private readonly encryptors = new Map<string, EvidenceEncryptor>();
  private closed = false;

  async items(): Promise<SealedItem[]> {
    this.check();
    return [...this.sealed.values()];
  }

  async item(id: string): Promise<SealedItem | undefined> {
    this.check();
    return this.sealed.get(id);
  }

  async putItems(items: readonly SealedItem[]): Promise<void> {
    this.check();
    for (const item of items) this.sealed.set(item.id, item);
  }

  async deleteItems(ids: readonly string[]): Promise<void> {
    this.check();
    for (const id of ids) {
      this.sealed.delete(id);
      this.encryptors.delete(id);
    }
  }

  async stageCiphertext(id: string, encryptor: EvidenceEncryptor, options: StageCiphertextOptions = {}) {
    this.check();
    options.signal?.throwIfAborted();
    this.encryptors.set(id, encryptor);
    options.onProgress?.(encryptor.size, encryptor.size);
  }

  ciphertext(id: string, size: number): UploadSource {
    return {
      size,
      slice: async (start, end) => {
        this.check();
        const encryptor = this.encryptors.get(id);
        if (!encryptor) throw new StagedEvidenceError('the staged evidence is gone');
        return encryptor.slice(start, end);
      },
    };
  }

  async ciphertextIds(): Promise<Set<string>> {
    this.check();
    return new Set(this.encryptors.keys());
  }

  /** Nothing to let go of: the page's memory goes with the page. */
  async release(): Promise<void> {}

  close(): void {
    this.closed = true;
  }

  async wipe(): Promise<void> {
    this.close();
    this.sealed.clear();
    this.encryptors.clear();
  }

  private check(): void {
    if (this.closed) throw new OutboxClosedError('the outbox was closed');
  }
}
