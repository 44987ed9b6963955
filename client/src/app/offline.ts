// The first visit loads the app before its service worker is in control, so what that
// visit fetched (translations, the questionnaire, articles) would not be kept offline.
// This asks the worker to keep everything the page has loaded from the node so far; the
// worker keeps only public content (see sw.ts).
export async function keepForOffline(): Promise<void> {
  if (!('serviceWorker' in navigator) || !isSecureContext) return;
  const registration = await navigator.serviceWorker.ready;
  const urls = performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => new URL(url).origin === location.origin);
  registration.active?.postMessage({ type: 'keep', urls });
}
