// Named errors (CONVENTIONS §6): callers branch on `.name`; the HTTP layer maps
// TileNotFoundError to 404 and the rest to codes of its own.

/** The files contradict each other or the committed size record: the log needs an operator. */
export class LogCorruptError extends Error {
  override name = 'LogCorruptError';
}

/** The `format` file names a version this build cannot read (it never guesses). */
export class UnsupportedLogFormatError extends Error {
  override name = 'UnsupportedLogFormatError';
}

/** tlog-tiles entry bundles carry a uint16 length, so an entry holds at most 65535 bytes. */
export class EntryTooLargeError extends RangeError {
  override name = 'EntryTooLargeError';
}

/** An index or tree size past the durable log, or not a whole number. */
export class LogRangeError extends RangeError {
  override name = 'LogRangeError';
}

/** A tile or entry bundle that the current tree size does not (yet) hold. */
export class TileNotFoundError extends Error {
  override name = 'TileNotFoundError';
}

export class LogClosedError extends Error {
  override name = 'LogClosedError';
}

/**
 * A batch could not be written or fsync'd. After a failed fsync the page cache no longer says
 * what is on disk, so the store refuses further appends (as PostgreSQL does); reopening
 * recovers to the last committed size.
 */
export class LogWriteError extends Error {
  override name = 'LogWriteError';
}
