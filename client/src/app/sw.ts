// The service worker: the app shell is cached at install so the app opens with no network;
// content (questionnaire, translations, articles, the node's public key) is served from the
// cache and refreshed in the background, so what was read once can be read offline. The API
// is never cached, and nothing a reporter writes passes through here into storage.
declare const BACKUP_BUILD: string;
declare const BACKUP_SHELL: readonly string[];

// The few service-worker types used here (the project's type library is the DOM's).
interface LifecycleEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface WorkerFetchEvent extends LifecycleEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: LifecycleEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: WorkerFetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: LifecycleEvent & { data: unknown }) => void): void;
}
const worker = self as unknown as WorkerScope;

const CACHE = `backup-${BACKUP_BUILD}`;
const PRECACHE = [...BACKUP_SHELL, '/content/languages.json', '/content/help.json'];
/** Public GETs that are kept: content files and the node's public information. */
const KEPT = /^\/(?:content\/|api\/v1\/node$|app\/|$|sw\.js$)/;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || !KEPT.test(url.pathname)) return;
  event.respondWith(staleWhileRevalidate(event));
});

/** Set by quick exit: from then on nothing is written, and what is kept is deleted. */
let forgotten = false;

const forgetAll = () => caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))));

// The page lists what it loaded before this worker was in control (see offline.ts), or
// tells it to forget everything (quick exit).
worker.addEventListener('message', (event) => {
  const { type, urls } = (event.data ?? {}) as { type?: unknown; urls?: unknown };
  if (type === 'forget') {
    forgotten = true;
    event.waitUntil(forgetAll());
    return;
  }
  if (type !== 'keep' || !Array.isArray(urls) || forgotten) return;
  const kept = urls
    .map(parseUrl)
    .filter((url): url is URL => url !== undefined)
    .filter((url) => url.origin === worker.location.origin && KEPT.test(url.pathname) && url.search === '')
    .map((url) => url.pathname);
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...new Set(kept)]))
      .then(async () => {
        if (forgotten) await forgetAll();
      }),
  );
});

function parseUrl(value: unknown): URL | undefined {
  try {
    return new URL(String(value));
  } catch {
    return undefined;
  }
}

async function staleWhileRevalidate(event: WorkerFetchEvent): Promise<Response> {
  const cache = await caches.open(CACHE);
  // The page's address carries only the language (?lang=…): one cached shell serves all.
  const key = event.request.mode === 'navigate' ? '/' : event.request;
  const cached = await cache.match(key);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok && !forgotten) await cache.put(key, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}
