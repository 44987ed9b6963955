// The reporting app's outbox: what waits to reach the node, kept encrypted in the browser
// until the network allows, across dropped connections and reloads.
//
// Lifecycle:
//  1. `openOutbox()` once per page: IndexedDB (one database, OUTBOX_DATABASE), or the
//     page's memory where a browser has none (`persistent` is then false).
//  2. `outbox.unlock(receiptCode)` with the code of the report about to be queued (made
//     first, by `prepareReport`), or of one coming back: the items of each report are
//     sealed under a key derived from its code and held in this page's memory only.
//  3. `outbox.stageEvidence(receiptCode, file, caseKey)` for each file: encrypted to the
//     node's case key a slice at a time, only the ciphertext kept (1 MiB records).
//  4. `outbox.queueReport(prepared, evidenceIds)`; show the receipt code then, it is never
//     stored. Follow-up: `attachEvidence(receiptCode, evidenceIds)`.
//  5. `createOutboxRunner({ nodeUrl, outbox, onChange }).start()`: sends reports, then
//     uploads their evidence with tus, saving each upload's URL so a reload resumes at the
//     node's offset; retries network failures for ever; a refusal by the node is final
//     (`refused`). Ciphertext is deleted as soon as the node has it all, a report's lookup
//     once its last file is in (or refused), and the database once nothing is left.
//  6. After a reload, what was kept is `locked` until the reporter types its receipt code
//     (`unlock` again); the runner leaves it alone until then.
//  7. Quick exit: `wipeOutbox()` deletes the database, even while it is open here or in
//     another tab. Nothing in it is plaintext, and no key is stored (sealing.ts says what
//     that protects).
export { OutboxClosedError, OutboxFullError, OutboxLockedError, StagedEvidenceError } from './errors.ts';
export { type OutboxItem, type OutboxItemState } from './items.ts';
export { OUTBOX_DATABASE } from './name.ts';
export { type OpenOutboxInit, type Outbox, openOutbox, wipeOutbox } from './outbox.ts';
export type { FileKind } from './records.ts';
export { DEFAULT_OUTBOX_CHUNK_BYTES, type OutboxRunner, type OutboxRunnerInit, createOutboxRunner } from './runner.ts';
export type { StageEvidenceOptions, StagedEvidence } from './staging.ts';
