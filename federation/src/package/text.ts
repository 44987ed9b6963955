// Text helpers for package files, which are hostile input for every reader.
import { PackageFormatError } from './errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });
export const encoder = new TextEncoder();

export function decodeUtf8(what: string, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new PackageFormatError(`${what} is not valid UTF-8 text`, { cause });
  }
}

/** Control characters and bidirectional overrides: they can make a terminal or page lie. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

export function replaceUnsafeCharacters(text: string, replacement: string | ((c: string) => string)): string {
  return text.replace(
    new RegExp(UNSAFE.source, 'gu'),
    typeof replacement === 'string' ? () => replacement : replacement,
  );
}

/**
 * A string from a package, quoted for display: JSON escapes plus \u escapes for the
 * bidirectional controls JSON leaves alone, so a hostile name cannot spoof the output.
 */
export function quoted(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  // JSON has escaped the C0 controls already; the others are escaped alike.
  return replaceUnsafeCharacters(JSON.stringify(cut), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** POSIX shell single quoting, for the commands VERIFY.txt suggests. */
export function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
