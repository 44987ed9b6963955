// The package's files, by their path inside it, from what the file pickers gave: a folder
// (paths relative to the folder chosen) or loose files (placed by the manifest's names).
import { PackageFormatError, packagePaths, parseManifest } from '../../../federation/src/package/index.ts';

/** As for `backup verify`: far more than a package holds. */
export const MAX_PACKAGE_FILES = 10_000;

export class PackageFilesError extends Error {
  override name = 'PackageFilesError';
}

const pathOf = (file: File) => file.webkitRelativePath || file.name;
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Drops the folder the user chose ("pkg/evidence/x.mp4" → "evidence/x.mp4"). */
function relativeToChosenFolder(paths: readonly string[]): string[] {
  const tops = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : '')));
  if (tops.size !== 1 || tops.has('')) return [...paths];
  return paths.map((p) => p.slice(p.indexOf('/') + 1));
}

/** Loose files go where the manifest says, when their names say it without doubt. */
function placeByManifest(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const manifest = files.get('package.json');
  if (!manifest) return files;
  let expected: string[];
  try {
    expected = packagePaths(parseManifest(manifest));
  } catch (error) {
    if (error instanceof PackageFormatError) return files; // the verifier says why
    throw error;
  }
  const placed = new Map<string, Uint8Array>();
  for (const [name, bytes] of files) {
    const targets = expected.filter((p) => baseName(p) === name);
    placed.set(targets.length === 1 ? targets[0]! : name, bytes);
  }
  return placed;
}

export async function packageFiles(picked: readonly File[]): Promise<Map<string, Uint8Array>> {
  if (picked.length > MAX_PACKAGE_FILES)
    throw new PackageFilesError(`more than ${MAX_PACKAGE_FILES} files were chosen: that is not an evidence package`);
  const paths = relativeToChosenFolder(picked.map(pathOf));
  const files = new Map<string, Uint8Array>();
  for (const [i, file] of picked.entries()) {
    if (files.has(paths[i]!)) throw new PackageFilesError(`two files were chosen with the name ${paths[i]}`);
    files.set(paths[i]!, new Uint8Array(await file.arrayBuffer()));
  }
  const loose = picked.every((f) => !f.webkitRelativePath);
  return loose ? placeByManifest(files) : files;
}
