// The outbox database's name, on its own so the first-load code (services.ts) can look
// for the database without loading the outbox and its cryptography.

/** The one IndexedDB database of the outbox: quick exit deletes it, and so does sending the last item. */
export const OUTBOX_DATABASE = 'backup-outbox';
