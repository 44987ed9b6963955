// The node's case key pair. Reporters seal content keys to the public half. The secret
// half exists on disk only wrapped under a key derived from the admin passphrase (scrypt,
// memory-hard); the running node never needs it to take reports.
export { generateAdminPassphrase, normalisePassphrase } from './passphrase.ts';
export {
  type NodeKeyFile,
  KeyFileError,
  WrongPassphraseError,
  createKeyFile,
  readKeyFile,
  unlockCaseKey,
} from './key-file.ts';
