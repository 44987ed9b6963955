export {
  BUSY_TIMEOUT_MS,
  CaseStore,
  type CaseRecord,
  DATABASE_FILE,
  DuplicateReceiptError,
  type EvidenceRecord,
  MessageLimitError,
  type MessageRecord,
  type NewCase,
  type NewMessage,
  UnknownCaseError,
  currentHour,
} from './case-store.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { syncDirectory, writeFileDurably } from './files.ts';
