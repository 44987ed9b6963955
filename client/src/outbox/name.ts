// The outbox database's name. The app's first-load code (services.ts) repeats it rather
// than import it, to look for the database without loading the outbox; a test checks both.

/** The one IndexedDB database of the outbox: quick exit deletes it, and so does sending the last item. */
export const OUTBOX_DATABASE = 'backup-outbox';
