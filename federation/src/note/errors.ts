export class NoteError extends Error {
  override name = 'NoteError';
}

/** The note is well formed but no trusted key signed it. */
export class UnverifiedNoteError extends Error {
  override name = 'UnverifiedNoteError';
}
