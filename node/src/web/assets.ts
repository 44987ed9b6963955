// The reporting app's code, bundled once at start-up with esbuild (already our TypeScript
// runner's engine) and kept in memory, compressed, so a phone on 2G downloads as little as
// possible: brotli where the browser takes it, gzip otherwise (decision 0009).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { type Metafile, build } from 'esbuild';

export interface Asset {
  readonly type: string;
  readonly etag: string;
  readonly identity: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.webm': 'audio/webm',
  '.wav': 'audio/wav',
};

export function typeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
}

/** Compressed forms are made once per asset; media that is already compressed is left as is. */
export function makeAsset(path: string, body: Uint8Array, quality = zlib.BROTLI_MAX_QUALITY): Asset {
  const type = typeOf(path);
  const identity = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = type.startsWith('text/') || type.startsWith('application/json');
  return {
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    identity,
    br: text ? brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: quality } }) : identity,
    gzip: text ? gzipSync(identity, { level: 9 }) : identity,
  };
}

/**
 * The files a first visit loads, following static imports only: the service worker caches
 * these at install, and code loaded on demand (crypto, uploads) when it is first used.
 */
function staticallyLoaded(metafile: Metafile, entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const output = metafile.outputs[path.slice(1)];
    for (const i of output?.imports ?? []) if (i.kind === 'import-statement') visit(`/${i.path}`);
  };
  entries.forEach(visit);
  return [...seen];
}

const BROWSER_TARGETS = ['chrome89', 'firefox102', 'safari15'];
/** The offline verifier page for auditors (client/src/verify), with its script and style under it. */
export const VERIFY_PAGE = '/verify';

/**
 * Builds `/`, `/sw.js` and `/app/*` from client/: the app as ES modules split so that the
 * crypto and upload code loads only when a report is sent, the service worker as one
 * classic script (module workers are not everywhere yet); and the verifier page, `/verify`.
 */
export async function buildAppAssets(clientDir: string): Promise<Map<string, Asset>> {
  // Paths in the metafile are relative to the working directory: / makes them match ours.
  const common = {
    bundle: true,
    minify: true,
    write: false,
    target: BROWSER_TARGETS,
    legalComments: 'none',
    absWorkingDir: '/',
  } as const;
  // Independent of the app: esbuild builds both at once, in its own process.
  const verifierBuild = build({
    ...common,
    entryPoints: [
      { in: join(clientDir, 'src/verify/main.ts'), out: 'verify' },
      { in: join(clientDir, 'src/verify/verify.css'), out: 'verify' },
    ],
    outdir: VERIFY_PAGE,
    // One classic script, not modules: a copy of the page saved to disk then runs from
    // file:// too, where browsers refuse module scripts.
    format: 'iife',
  });
  const appBuild = build({
    ...common,
    entryPoints: { main: join(clientDir, 'src/app/main.ts'), app: join(clientDir, 'src/app/app.css') },
    outdir: '/app',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    // Packages whose work the browser already does (see the shims' comments).
    alias: {
      'url-parse': join(clientDir, 'src/app/shims/url-parse.ts'),
      'js-base64': join(clientDir, 'src/app/shims/js-base64.ts'),
    },
  });
  const [app, verifier] = await Promise.all([appBuild, verifierBuild]);
  const shellTemplate = await readFile(join(clientDir, 'index.html'));
  // The worker's cache is named after this build, so a new version replaces the old shell.
  const version = createHash('sha256')
    .update(shellTemplate)
    .update(Buffer.concat(app.outputFiles.map((f) => f.contents)))
    .digest('base64url')
    .slice(0, 16);
  const worker = await build({
    ...common,
    entryPoints: [join(clientDir, 'src/app/sw.ts')],
    outfile: '/sw.js',
    format: 'iife',
    define: {
      BACKUP_BUILD: JSON.stringify(version),
      BACKUP_SHELL: JSON.stringify(['/', ...staticallyLoaded(app.metafile, ['/app/main.js', '/app/app.css'])]),
    },
  });
  const assets = new Map<string, Asset>();
  assets.set('/', makeAsset('/index.html', Buffer.from(shellTemplate.toString('utf8').replaceAll('%BUILD%', version))));
  for (const file of [...app.outputFiles, ...worker.outputFiles])
    assets.set(file.path, makeAsset(file.path, file.contents));
  assets.set(VERIFY_PAGE, makeAsset('/verify.html', await readFile(join(clientDir, 'src/verify/verify.html'))));
  for (const file of verifier.outputFiles) assets.set(file.path, makeAsset(file.path, file.contents));
  return assets;
}
