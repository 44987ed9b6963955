// Serves the reporting app and its content. Paths are fixed templates (see the router), so
// only names made of [A-Za-z0-9_-] ever reach the file system.
import type { Context } from 'koa';
import { ForbiddenError, NotFoundError, type Route } from '../http/index.ts';
import { type Asset, VERIFY_PAGE, makeAsset } from './assets.ts';
import type { ContentLibrary } from './content.ts';

export interface WebComponents {
  readonly assets: ReadonlyMap<string, Asset>;
  readonly content: ContentLibrary;
}

const AUDIO_EXTENSIONS = ['ogg', 'mp3', 'm4a', 'webm', 'wav'];
// Content is small and changes only when the admin edits it: fast compression per request.
const CONTENT_BROTLI_QUALITY = 5;

export function webRoutes({ assets, content }: WebComponents): Route[] {
  const fromContent =
    (path: (params: Readonly<Record<string, string>>) => string) =>
    async (ctx: Context, params: Readonly<Record<string, string>>) => {
      const file = path(params);
      const body = await content.read(file);
      if (!body) throw new NotFoundError('not-found', 'there is nothing at this address');
      send(ctx, makeAsset(file, body, CONTENT_BROTLI_QUALITY));
    };
  const generated =
    (make: (params: Readonly<Record<string, string>>) => Promise<unknown>) =>
    async (ctx: Context, params: Readonly<Record<string, string>>) =>
      send(ctx, makeAsset('.json', Buffer.from(JSON.stringify(await make(params))), CONTENT_BROTLI_QUALITY));

  const routes: [string, Route['handle']][] = [
    ['/content/questionnaire.json', fromContent(() => 'questionnaire.json')],
    ['/content/help.json', fromContent(() => 'help.json')],
    ['/content/areas.json', fromContent(() => 'areas.json')],
    ['/content/languages.json', generated(() => content.languages())],
    ['/content/i18n/{lang}.json', fromContent(({ lang }) => `i18n/${lang}.json`)],
    ['/content/articles/{lang}/index.json', generated(({ lang }) => content.articles(lang!))],
    ['/content/articles/{lang}/{slug}.md', fromContent(({ lang, slug }) => `articles/${lang}/${slug}.md`)],
    ...AUDIO_EXTENSIONS.map((ext): [string, Route['handle']] => [
      `/content/audio/{lang}/{name}.${ext}`,
      fromContent(({ lang, name }) => `audio/${lang}/${name}.${ext}`),
    ]),
  ];
  for (const [path, asset] of assets)
    routes.push([path, path === VERIFY_PAGE ? (ctx) => sendVerifierPage(ctx, asset) : (ctx) => send(ctx, asset)]);
  // HEAD is answered like GET (Koa leaves the body out).
  return [
    ...routes.flatMap(([template, handle]) => ['GET', 'HEAD'].map((method) => ({ method, template, handle }))),
    { method: 'POST', template: FORGET_PATH, handle: forget },
  ];
}

/** Quick exit calls this: the browser then deletes this site's cache and storage. */
export const FORGET_PATH = '/forget';

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function forget(ctx: Context): void {
  // Only this site's own pages may ask: another site must not wipe reports still waiting
  // to be sent from a reporter's phone.
  const site = ctx.get('Sec-Fetch-Site');
  const origin = ctx.get('Origin');
  // (The scheme is not compared: behind a TLS proxy the node itself sees plain HTTP.)
  if ((site && site !== 'same-origin') || (origin && hostOf(origin) !== ctx.host))
    throw new ForbiddenError('forbidden', 'only this site’s own pages may ask for this');
  ctx.set('Clear-Site-Data', '"cache", "storage"');
  ctx.status = 204;
}

/**
 * The verifier page reads the files an auditor chooses and must not be able to send them
 * anywhere: its policy allows its own script and style, and no connection, form or frame.
 */
const VERIFY_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src data:',
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sendVerifierPage(ctx: Context, asset: Asset): void {
  ctx.set('Content-Security-Policy', VERIFY_PAGE_CSP);
  send(ctx, asset);
}

/** Sends one representation, chosen by Accept-Encoding, with an ETag for revalidation. */
function send(ctx: Context, asset: Asset): void {
  ctx.vary('Accept-Encoding');
  // Public files, the same for every visitor: the browser may keep them but must revalidate,
  // so the service worker's install costs a 304 rather than a second download on 2G. The
  // API stays no-store, and quick exit's Clear-Site-Data empties this cache too.
  ctx.set('Cache-Control', 'no-cache');
  ctx.type = asset.type;
  ctx.etag = asset.etag;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  // Brotli first whatever order the browser lists them in: it is the smaller.
  const encoding = ctx.acceptsEncodings('br') || ctx.acceptsEncodings('gzip');
  if (encoding === 'br' && asset.br !== asset.identity) {
    ctx.set('Content-Encoding', 'br');
    ctx.body = asset.br;
  } else if (encoding === 'gzip' && asset.gzip !== asset.identity) {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = asset.gzip;
  } else {
    ctx.body = asset.identity;
  }
}
