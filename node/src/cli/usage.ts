export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `BackUp — anonymous reporting with encrypted, verifiable evidence.

Usage:
  backup node    [--data DIR] [--port N] [--host ADDR] [--name NAME] [--passphrase-file FILE]
                 [--pow-difficulty BITS] [--max-evidence-bytes N] [--log-level LEVEL] …
      Start a node. The first start creates the node's keys; the case key is wrapped
      under the admin passphrase (read from FILE, or generated and printed once).
  backup report  --node URL [--narrative FILE] [--evidence FILE]… [--answers FILE.json]
      Submit an encrypted report and evidence files. Prints the receipt code last.
  backup decrypt --data DIR --out DIR [--passphrase-file FILE]
      Decrypt this node's reports and evidence into DIR (asks for the admin passphrase
      on standard input when no file is given). Plaintext lands in DIR: keep it safe.

Every node flag has an environment variable: BACKUP_DATA, BACKUP_PORT, BACKUP_HOST,
BACKUP_NAME, BACKUP_PASSPHRASE_FILE, BACKUP_POW_DIFFICULTY, … (see docs/operating.md).
`;
