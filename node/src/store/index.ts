export {
  BUSY_TIMEOUT_MS,
  CaseStore,
  type CaseRecord,
  DATABASE_FILE,
  DuplicateReceiptError,
  MessageLimitError,
  type MessageRecord,
  type NewCase,
  type NewMessage,
  UnknownCaseError,
  currentHour,
} from './case-store.ts';
export {
  type CustodyEventRecord,
  type EvidenceRecord,
  type LogIndices,
  type NewCustodyEvent,
} from './evidence-records.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { syncDirectory, writeFileDurably } from './files.ts';
