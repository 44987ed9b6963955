// Entry point of the reporting app.
import './components/backup-app.ts';
import { keepForOffline } from './offline.ts';

// The service worker keeps the app shell and the articles for offline use. Tor Browser and
// private windows have none; the app then works online only.
// Registered after the page has loaded, so on a slow link it never competes with the
// first screen.
if ('serviceWorker' in navigator && isSecureContext) {
  addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
    void keepForOffline();
  });
}
