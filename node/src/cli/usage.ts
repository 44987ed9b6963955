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
      Each case's folder holds report.json, its evidence and messages.json, the thread.
  backup reply   --data DIR --case ID --message-file FILE   (FILE may be - for standard input)
      Send a caseworker's message to the reporter of case ID (a folder name that
      backup decrypt writes). Sealed for the caseworkers and the reporter; needs no
      passphrase, and works while the node runs. Prints the message id.
  backup export  --data DIR --evidence ID --out DIR [--passphrase-file FILE] [--since FILE]
      Write the evidence package of one file (ID: the start of the names backup decrypt
      writes): the decrypted file, its salt and commitment, proofs and custody events
      against the latest cosigned checkpoint, and VERIFY.txt. Works while the node runs.
      --since an earlier checkpoint (or package .tlog-proof): also prove the log extends it.
  backup verify  PACKAGE_DIR --policy POLICY.json
      Check an evidence package offline against a trust policy (the logs, witnesses
      and number of cosignatures you trust). Prints each check and VERIFIED or NOT
      VERIFIED; exits 0 when it verifies, 1 when it does not. No network is used.
  backup federation invite --data DIR --organisation NAME --country CC --address MULTIADDR…
      Print this node's signed invitation, for the admins of the organisations to federate with.
  backup federation add FILE --data DIR [--replace]
      Accept another organisation's invitation (check its log key with them by phone);
      --replace to take a member's new invitation (new address or keys).
  backup federation policy --data DIR [--quorum N]
      Print a trust policy for backup verify: this node's and its members' logs, their
      witnesses, and N cosignatures required (default: up to 3).
  backup federation remove PEER-ID|ORIGIN --data DIR  ·  backup federation status --data DIR
      Stop federating with a member; show members, the latest checkpoint and split views.

Every node flag has an environment variable: BACKUP_DATA, BACKUP_PORT, BACKUP_HOST,
BACKUP_NAME, BACKUP_PASSPHRASE_FILE, BACKUP_POW_DIFFICULTY, … (see docs/operating.md).
`;
