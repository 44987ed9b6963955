import { describe, expect, it } from 'vitest';
import { safeFileName } from './decrypt-command.ts';

describe('safeFileName', () => {
  describe('when a reporter-chosen name tries to leave the output folder', () => {
    it.each(['../../etc/passwd', '..\\..\\windows\\system32', '/etc/shadow', '....//x', 'a/../../b'])(
      'keeps %s inside it',
      (name) => {
        const safe = safeFileName(name);
        expect(safe).not.toMatch(/[/\\]/);
        expect(safe.startsWith('.')).toBe(false);
      },
    );
  });

  it('keeps names in any script readable', () => {
    expect(safeFileName('شهادة صوتية.m4a')).toBe('شهادة صوتية.m4a');
    expect(safeFileName('Свідчення.mp4')).toBe('Свідчення.mp4');
  });

  it('drops control characters and hidden-file dots, and never returns nothing', () => {
    const cleaned = safeFileName('\u0000\u202e.evil');
    expect(cleaned.includes('\u0000') || cleaned.includes('\u202e')).toBe(false);
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('...')).toBe('evidence');
    expect(safeFileName('x'.repeat(500)).length).toBeLessThanOrEqual(100);
  });
});
