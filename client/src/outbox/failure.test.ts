import { DetailedError, type HttpRequest, type HttpResponse } from 'tus-js-client';
import { describe, expect, it } from 'vitest';
import { NodeApiError } from '../intake/index.ts';
import { OutboxClosedError, StagedEvidenceError } from './errors.ts';
import { classifyFailure, retryDelay } from './failure.ts';

/** tus-js-client's error as it reports a request that got `status` (or no answer at all). */
function tusError(status: number | undefined, body = '', cause: Error | null = null): DetailedError {
  const response =
    status === undefined
      ? null
      : ({ getStatus: () => status, getBody: () => body, getHeader: () => undefined } as unknown as HttpResponse);
  return Object.assign(new DetailedError('tus: unexpected response'), {
    originalRequest: {} as HttpRequest,
    originalResponse: response,
    causingError: cause,
  });
}

const nodeError = (code: string) => JSON.stringify({ error: { code, message: '…' } });

describe('classifyFailure', () => {
  describe('when the node refused', () => {
    it.each([
      ['a report', new NodeApiError(400, 'invalid-request', 'bad'), 'invalid-request'],
      ['an expired upload', tusError(410, nodeError('upload-expired')), 'upload-expired'],
      ['a file too large', tusError(413, nodeError('too-large')), 'too-large'],
      ['an upload of another receipt', tusError(404, nodeError('upload-unknown')), 'upload-unknown'],
    ])('is final for %s, with the node’s code', (_, error, code) => {
      expect(classifyFailure(error)).toEqual({ final: true, code });
    });
  });

  describe('when a 4xx answer is not the node’s JSON error', () => {
    it.each([
      ['a censor’s block page', 403, '<html>blocked</html>'],
      ['an unavailable-for-legal-reasons page', 451, '<html>451</html>'],
      ['a proxy asking for credentials', 407, ''],
      ['a JSON body that is not the node’s error', 400, '{"message":"bad"}'],
    ])('retries %s (%i), as something in the way', (_, status, body) => {
      expect(classifyFailure(tusError(status, body))).toEqual({ final: false, code: 'http-error' });
    });

    it('retries a report answered that way', () => {
      expect(classifyFailure(new NodeApiError(403, 'http-error', 'HTTP 403'))).toEqual({
        final: false,
        code: 'http-error',
      });
    });
  });

  describe('when the answer means "not now"', () => {
    it.each([
      [408, 'request-timeout'],
      [409, 'tus-offset-mismatch'],
      [423, 'upload-busy'],
      [429, 'rate-limited'],
      [500, 'internal'],
      [503, 'unavailable'],
      [507, 'storage-full'],
    ])('retries a %i (%s)', (status, code) => {
      expect(classifyFailure(tusError(status, nodeError(code)))).toEqual({ final: false, code });
      expect(classifyFailure(new NodeApiError(status, code, '…'))).toEqual({ final: false, code });
    });
  });

  describe('when no answer came', () => {
    it('retries what fetch throws offline', () => {
      expect(classifyFailure(new TypeError('Failed to fetch'))).toEqual({ final: false, code: 'network' });
    });

    it('retries a tus request that got no response', () => {
      expect(classifyFailure(tusError(undefined, '', new Error('xhr error')))).toEqual({
        final: false,
        code: 'network',
      });
    });

    it('retries what is not an Error at all', () => {
      expect(classifyFailure('offline')).toEqual({ final: false, code: 'network' });
    });
  });

  describe('when the failure is on the phone', () => {
    it('is final when the kept ciphertext is gone, even wrapped by tus-js-client', () => {
      const error = tusError(undefined, '', new StagedEvidenceError('gone'));
      expect(classifyFailure(error)).toEqual({ final: true, code: 'evidence-missing' });
    });

    it('is final when the reporter’s file can no longer be read', () => {
      const error = new Error('read failed', { cause: new DOMException('changed', 'NotReadableError') });
      expect(classifyFailure(error)).toEqual({ final: true, code: 'file-unreadable' });
    });

    it('names a closed outbox, so the sender stops instead of retrying', () => {
      const error = tusError(undefined, '', new OutboxClosedError('wiped'));
      expect(classifyFailure(error)).toEqual({ final: false, code: 'outbox-closed' });
    });
  });
});

describe('retryDelay', () => {
  it('doubles from about a second', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits more than a minute, however many attempts failed', () => {
    expect(retryDelay(7, 1)).toBe(60_000);
    expect(retryDelay(10_000, 1)).toBe(60_000);
  });

  it('waits at least half of it, the rest at random', () => {
    expect(retryDelay(3, 0)).toBe(2000);
    expect(retryDelay(3, 0.5)).toBe(3000);
  });
});
