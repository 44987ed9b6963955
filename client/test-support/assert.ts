// A small assertion module for browser tests: nothing to download, and failures name what
// differed. Node's assert and vitest's expect do not run in the page.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function bytesEqual(actual: Uint8Array, expected: Uint8Array, message?: string): void {
  const prefix = message ? `${message}: ` : '';
  if (actual.length !== expected.length) {
    throw new AssertionError(`${prefix}expected ${expected.length} bytes, got ${actual.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new AssertionError(`${prefix}bytes differ first at offset ${i}`);
  }
}

/** Awaits `action` and checks it fails with an error of that `.name`. */
export async function rejects(action: () => Promise<unknown>, name: string): Promise<Error> {
  let error: unknown;
  try {
    await action();
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof Error)) throw new AssertionError(`expected a ${name}, but nothing was thrown`);
  if (error.name !== name) throw new AssertionError(`expected a ${name}, got ${error.name}: ${error.message}`);
  return error;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
