import { describe, expect, it } from 'vitest';
import { commitmentFromMetadata } from './upload-metadata.ts';

const COMMITMENT = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
/** As tus-js-client writes it: the key, a space, base64 of the base64url text. */
const tus = (key: string, text: string) => `${key} ${Buffer.from(text).toString('base64')}`;
const good = tus('commitment', Buffer.from(COMMITMENT).toString('base64url'));

function codeOf(header: string): string | undefined {
  try {
    commitmentFromMetadata(header);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('commitmentFromMetadata', () => {
  it('gives the 32 bytes of a commitment sent as tus-js-client sends it', () => {
    expect(commitmentFromMetadata(good)).toEqual(COMMITMENT);
    expect(commitmentFromMetadata(` ${good} `)).toEqual(COMMITMENT);
  });

  describe('when there is no commitment', () => {
    it.each(['', '   '])('answers commitment-required for %j', (header) => {
      expect(codeOf(header)).toBe('commitment-required');
    });
  });

  describe('when another key comes, alone or beside the commitment', () => {
    it.each([
      ['a file name', tus('filename', '../../../etc/passwd')],
      ['a media type beside it', `${good},${tus('filetype', 'video/mp4')}`],
      ['the key in capitals', tus('Commitment', Buffer.from(COMMITMENT).toString('base64url'))],
      ['an empty pair', `${good},`],
      ['a key without a value', 'is-confidential'],
    ])('answers metadata-not-accepted for %s', (_what, header) => {
      expect(codeOf(header)).toBe('metadata-not-accepted');
    });
  });

  describe('when the commitment is malformed', () => {
    const base64url = Buffer.from(COMMITMENT).toString('base64url');
    it.each([
      ['no value', 'commitment'],
      ['an empty value', 'commitment '],
      ['two commitments', `${good},${good}`],
      ['two spaces', `commitment  ${Buffer.from(base64url).toString('base64')}`],
      ['a value that is not base64', 'commitment %%%%'],
      ['base64 without its padding', `commitment ${Buffer.from(base64url).toString('base64').replace(/=+$/, '')}`],
      ['base64url on the wire instead of base64', `commitment ${Buffer.from(base64url).toString('base64url')}`],
      ['31 bytes', tus('commitment', Buffer.from(COMMITMENT.subarray(1)).toString('base64url'))],
      ['33 bytes', tus('commitment', Buffer.from([...COMMITMENT, 0]).toString('base64url'))],
      ['standard base64 inside', tus('commitment', Buffer.from(COMMITMENT).toString('base64'))],
      ['a hex hash', tus('commitment', Buffer.from(COMMITMENT).toString('hex'))],
      ['a non-canonical last character', tus('commitment', `${base64url.slice(0, 42)}${'B'}`)],
      ['binary noise', `commitment ${Buffer.from([0xff, 0x00, 0x80, 0x0a]).toString('base64')}`],
    ])('answers commitment-invalid for %s', (_what, header) => {
      expect(codeOf(header)).toBe('commitment-invalid');
    });
  });
});
