// Quick exit: one tap empties the page, wipes everything this app may have stored in the
// browser, and replaces the current history entry with a neutral site, so the Back button
// does not lead here. The app never adds history entries of its own, so none remain.
const WIPE_BUDGET_MS = 400;
const hooks = new Set<() => Promise<void>>();

/** Lets a module that holds storage open (the outbox) close and delete it on exit. */
export function onQuickExit(hook: () => Promise<void>): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Tabs of the app tell each other: a quick exit in one closes them all. */
const CHANNEL = 'backup-quick-exit';
let exiting = false;

/** Makes this tab leave too when another tab of the app exits. */
export function followQuickExits(exit: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => exit();
  return () => channel.close();
}

export async function quickExit(exitUrl: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (typeof BroadcastChannel !== 'undefined') new BroadcastChannel(CHANNEL).postMessage('exit');
  // The worker may be refreshing its cache right now: it must not write after the wipe.
  navigator.serviceWorker?.controller?.postMessage({ type: 'forget' });
  document.title = '';
  document.body.replaceChildren();
  try {
    sessionStorage.clear();
    localStorage.clear();
  } catch {
    // Storage may be disabled entirely (private modes); then there is nothing to clear.
  }
  await Promise.race([wipeBrowserStorage(), new Promise((resolve) => setTimeout(resolve, WIPE_BUDGET_MS))]);
  location.replace(exitUrl);
}

export async function wipeBrowserStorage(): Promise<void> {
  const tasks: Promise<unknown>[] = [...hooks].map((hook) => hook());
  // The node answers with Clear-Site-Data, which also empties the HTTP cache (browsers
  // honour it only for requests that may carry credentials; this app sets no cookies).
  tasks.push(fetch('/forget', { method: 'POST', keepalive: true, credentials: 'same-origin' }));
  if ('caches' in self) tasks.push(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))));
  if (navigator.serviceWorker)
    tasks.push(navigator.serviceWorker.getRegistrations().then((all) => Promise.all(all.map((r) => r.unregister()))));
  if (typeof indexedDB !== 'undefined' && 'databases' in indexedDB)
    tasks.push(indexedDB.databases().then((all) => Promise.all(all.map((db) => db.name && deleteDatabase(db.name)))));
  await Promise.allSettled(tasks);
}

/** Deletes one database; never fails (blocked or refused, there is nothing more to do). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
