export {
  MAX_ADD_CHECKPOINT_BODY_BYTES,
  MAX_PROOF_LINES,
  TEXT_CONTENT_TYPE,
  TLOG_SIZE_CONTENT_TYPE,
} from './constants.ts';
export {
  AddCheckpointRequestError,
  CosignatureRequestError,
  WitnessConfigError,
  WitnessResponseError,
  WitnessStoreError,
} from './errors.ts';
export { type AddCheckpointRequest, formatAddCheckpointRequest, parseAddCheckpointRequest } from './request.ts';
export {
  type MisbehaviourReason,
  type MisbehaviourRecord,
  WITNESS_BUSY_TIMEOUT_MS,
  WITNESS_SCHEMA_VERSION,
  type WitnessState,
  type WitnessStore,
  openWitnessStore,
} from './store.ts';
export {
  type TrustedLog,
  type Witness,
  type WitnessInit,
  type WitnessResponse,
  type WitnessStatus,
  createWitness,
} from './witness.ts';
export { type CosignatureRequest, type SendAddCheckpoint, cosignatureLines, requestCosignature } from './client.ts';
