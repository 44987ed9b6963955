// The crypto envelope shared by the reporting app, the `backup report` command and the
// node's admin tools. Pure: WebCrypto, tweetnacl and @noble/hashes only, no Node APIs.
export { EncodingError, fromBase64Url, randomBytes, toBase64Url, toHex, utf8, wipe } from './bytes.ts';
export { DecryptionError } from './aead.ts';
export {
  type BoxPublicKey,
  type BoxSecretKey,
  KeyLengthError,
  SealedBoxError,
  asBoxPublicKey,
  asBoxSecretKey,
  boxPublicKeyFromSecret,
  generateBoxKeyPair,
  openSealed,
  seal,
} from './sealed-box.ts';
export { REPORT_ENVELOPE_VERSION, REPORT_PADDING_BYTES, type SealedReport, openReport, sealReport } from './report.ts';
export {
  MESSAGE_AUTHORS,
  MESSAGE_ENVELOPE_VERSION,
  MESSAGE_MAX_PLAINTEXT_BYTES,
  type MessageAuthor,
  type MessageDocument,
  MessageFormatError,
  type MessageReader,
  type MessageRecipients,
  MessageTooLongError,
  type SealedMessage,
  openMessage,
  sealMessage,
} from './message.ts';
export {
  type ByteSource,
  DEFAULT_CHUNK_BYTES,
  EvidenceFormatError,
  type EvidenceMetadata,
  type IncrementalHash,
  METADATA_BYTES,
} from './evidence-format.ts';
export { blobSource } from './blob-source.ts';
export { type CreateEncryptorInit, type EvidenceEncryptor, createEvidenceEncryptor } from './evidence-encryptor.ts';
export { type OpenedEvidence, openEvidence } from './evidence-opener.ts';
export {
  RECEIPT_DIGITS,
  ReceiptCodeError,
  type ReceiptKeys,
  deriveReceiptKeys,
  generateReceiptCode,
  normaliseReceiptCode,
  receiptVerifier,
} from './receipt.ts';
export {
  POW_HEADER,
  type PowChallenge,
  ProofOfWorkAbortedError,
  leadingZeroBits,
  powPreimage,
  solveProofOfWork,
} from './pow.ts';
