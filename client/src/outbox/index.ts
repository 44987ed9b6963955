// The reporting app's outbox: what waits to reach the node, kept encrypted in the browser
// until the network allows, across dropped connections and reloads.
//
// Lifecycle:
//  1. `openOutbox()` once per page: IndexedDB (one database, OUTBOX_DATABASE), or the
//     page's memory where a browser has none (`persistent` is then false).
//  2. `outbox.stageEvidence(file, caseKey)` as the reporter adds each file: encrypted to
//     the node's case key a slice at a time, only the ciphertext kept (1 MiB records).
//  3. `outbox.queueReport(prepareReport(...), evidenceIds)` when the reporter sends; show
//     the receipt code then, it is never stored. Follow-up: `attachEvidence(lookup, ids)`.
//  4. `createOutboxRunner({ nodeUrl, outbox, onChange }).start()`: sends reports, then
//     uploads their evidence with tus, saving each upload's URL so a reload resumes at the
//     node's offset; retries network failures for ever; a refusal is final (`refused`).
//     Ciphertext is deleted as soon as the node has it all, and a report's lookup once
//     its last file is in.
//  5. Quick exit: `wipeOutbox()` deletes the database, even while it is open here or in
//     another tab. Nothing in it is plaintext: evidence is sealed to the case key, the
//     queued items under a key kept beside them (sealing.ts says what that protects).
export { OutboxClosedError, OutboxFullError, StagedEvidenceError } from './errors.ts';
export { type OutboxItem, type OutboxItemState } from './items.ts';
export { type OpenOutboxInit, type Outbox, openOutbox, wipeOutbox } from './outbox.ts';
export type { FileKind } from './records.ts';
export { DEFAULT_OUTBOX_CHUNK_BYTES, type OutboxRunner, type OutboxRunnerInit, createOutboxRunner } from './runner.ts';
export type { StageEvidenceOptions, StagedEvidence } from './staging.ts';
export { OUTBOX_DATABASE } from './store.ts';
