// Which files a package holds against which it should: a missing file is a failure, and so
// is one the manifest does not describe, since nothing here vouches for it.
import { INSTRUCTIONS_PATH, type PackageManifest, packagePaths, quoted } from '../package/index.ts';
import { fail } from './report.ts';

/** Written by file managers, not by anyone who handled the evidence: named, never failed. */
const SYSTEM_FILE = /(?:^|\/)(?:\.DS_Store|Thumbs\.db|desktop\.ini|\._[^/]*)$|^__MACOSX\//;
const LISTED = 10;

function names(paths: readonly string[]): string {
  const shown = paths.slice(0, LISTED).map((p) => quoted(p));
  return paths.length > LISTED ? `${shown.join(', ')} and ${paths.length - LISTED} more` : shown.join(', ');
}

export function checkFiles(files: ReadonlyMap<string, Uint8Array>, manifest: PackageManifest): string {
  const expected = packagePaths(manifest);
  const missing = expected.filter((p) => p !== INSTRUCTIONS_PATH && !files.has(p));
  const extra = [...files.keys()].filter((p) => !expected.includes(p));
  const unexpected = extra.filter((p) => !SYSTEM_FILE.test(p));
  const problems = [
    ...(missing.length > 0 ? [`missing: ${names(missing)}`] : []),
    ...(unexpected.length > 0
      ? [`files the package does not describe, which this verification does not cover: ${names(unexpected)}`]
      : []),
  ];
  if (problems.length > 0) fail(`${problems.join('; ')}.`);
  const notes = [
    ...(files.has(INSTRUCTIONS_PATH) ? [] : [`${INSTRUCTIONS_PATH} (instructions only) is absent`]),
    ...(extra.length > unexpected.length
      ? [`file-manager files ignored: ${names(extra.filter((p) => SYSTEM_FILE.test(p)))}`]
      : []),
  ];
  return `every file the package describes is present, and no other${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`;
}
