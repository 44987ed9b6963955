import { describe, expect, it } from 'vitest';
import { OUTBOX_DATABASE } from '../outbox/name.ts';
import { OUTBOX_DATABASE_NAME } from './services.ts';

describe('services', () => {
  it('looks for the outbox under the name the outbox uses', () => {
    expect(OUTBOX_DATABASE_NAME).toBe(OUTBOX_DATABASE);
  });
});
