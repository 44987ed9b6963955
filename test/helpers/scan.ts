// Searches every byte of every file under a folder for needles.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Returns "file: needle-label" for every needle found. */
export async function findInFiles(dir: string, needles: Readonly<Record<string, Uint8Array>>): Promise<string[]> {
  const found: string[] = [];
  for (const file of await listFiles(dir)) {
    const bytes = await readFile(file);
    for (const [label, needle] of Object.entries(needles)) {
      if (bytes.indexOf(needle) !== -1) found.push(`${file}: ${label}`);
    }
  }
  return found;
}

/**
 * The forms a secret could take on disk: raw, UTF-16LE, hex, and base64/base64url at each
 * of the three byte alignments it could have inside a longer encoded text.
 */
export function encodingsOf(label: string, value: Uint8Array): Record<string, Uint8Array> {
  const buf = Buffer.from(value);
  const forms: Record<string, Uint8Array> = {
    [`${label} (raw)`]: buf,
    [`${label} (utf-16le)`]: Buffer.from(buf.toString('latin1'), 'utf16le'),
    [`${label} (hex)`]: Buffer.from(buf.toString('hex')),
  };
  for (let shift = 0; shift < 3; shift++) {
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = Buffer.concat([Buffer.alloc(shift), buf])
        .toString(encoding)
        .replace(/=+$/, '');
      forms[`${label} (${encoding}, shift ${shift})`] = Buffer.from(text.slice(shift > 0 ? 4 : 0, -4));
    }
  }
  return forms;
}
