export {
  CaseStore,
  type CaseRecord,
  DATABASE_FILE,
  DuplicateReceiptError,
  type EvidenceRecord,
  type NewCase,
  currentHour,
} from './case-store.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { syncDirectory, writeFileDurably } from './files.ts';
