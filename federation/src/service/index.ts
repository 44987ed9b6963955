export { Federation, type FederationComponents, RECONNECT_INTERVAL_MS, type WitnessService } from './federation.ts';
export {
  CHECKPOINT_TOPIC,
  LOG_PROTOCOL,
  WITNESS_PROTOCOL,
  type WireResponse,
  decodeWireResponse,
  encodeWireResponse,
} from './protocols.ts';
export {
  CheckpointPublisher,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  type PublishedLog,
  type PublisherInit,
  type RemoteWitness,
} from './publisher.ts';
export { type SplitViewRecord, SplitViewRecords } from './records.ts';
export { type Misbehaviour, SplitViewMonitor, type Verdict } from './split-view.ts';
