// One implementation of durable writes for the node and the federation layer.
export { syncDirectory, writeFileDurably } from '../../../federation/src/fs/durable.ts';
