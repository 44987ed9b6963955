// The outbox's named errors (CONVENTIONS §6): the app tells them apart by `.name`.

/** The browser refused to store more (its storage quota for this site is used up). */
export class OutboxFullError extends Error {
  override name = 'OutboxFullError';
}

/** The outbox was closed or wiped (quick exit, possibly from another tab). */
export class OutboxClosedError extends Error {
  override name = 'OutboxClosedError';
}

/** Evidence ids that were never staged, or whose stored ciphertext is gone. */
export class StagedEvidenceError extends Error {
  override name = 'StagedEvidenceError';
}

/** No key is held for that receipt code on this page: `unlock` it first. */
export class OutboxLockedError extends Error {
  override name = 'OutboxLockedError';
}
