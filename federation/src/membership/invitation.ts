// A membership invitation: what one node's admin hands to another's (by e-mail, on a USB
// stick, read aloud over the phone for the fingerprint) so their nodes federate. It is a
// C2SP signed note signed by the inviting node's log key, so it proves possession of the
// key it announces; the admin who imports it still compares the fingerprint out of band.
//
//   backup-invitation/v1
//   organisation <name>
//   country <ISO 3166-1 alpha-2>
//   peer <libp2p peer id>
//   address <multiaddr>            (one or more)
//   log <C2SP verifier key, type 0x01>
//   witness <C2SP verifier key, type 0x04>
//
//   — <log key name> <signature>
import type { Ed25519Verify } from '../crypto/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type NoteSigner,
  openNote,
  parseVerifierKey,
  signNote,
} from '../note/index.ts';

const HEADER = 'backup-invitation/v1';
const MAX_ADDRESSES = 8;

export class InvitationError extends Error {
  override name = 'InvitationError';
}

export interface Member {
  readonly organisation: string;
  readonly country: string;
  readonly peerId: string;
  readonly addresses: readonly string[];
  /** The log's origin line, which is also its key name. */
  readonly origin: string;
  readonly logKey: string;
  readonly witnessKey: string;
}

// eslint-disable-next-line no-control-regex -- one printable line: control characters are refused
const ONE_LINE = /^[^\n\u0000-\u001f\u007f]{1,200}$/u;

export function createInvitation(member: Member, logSigner: NoteSigner): string {
  for (const v of [member.organisation, member.peerId, ...member.addresses])
    if (!ONE_LINE.test(v)) throw new InvitationError('invitation fields are single, non-empty lines');
  const lines = [
    HEADER,
    `organisation ${member.organisation}`,
    `country ${member.country}`,
    `peer ${member.peerId}`,
    ...member.addresses.map((a) => `address ${a}`),
    `log ${member.logKey}`,
    `witness ${member.witnessKey}`,
  ];
  return signNote(`${lines.join('\n')}\n`, [logSigner]);
}

/** Parses and checks an invitation from another organisation (hostile until the admin agrees). */
export function parseInvitation(note: string, verify: Ed25519Verify): Member {
  try {
    return readInvitation(note, verify);
  } catch (cause) {
    if (cause instanceof InvitationError) throw cause;
    throw new InvitationError(`this is not a valid invitation: ${(cause as Error).message}`, { cause });
  }
}

function readInvitation(note: string, verify: Ed25519Verify): Member {
  const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== HEADER) throw new InvitationError('this is not a BackUp invitation (v1)');
  const fields = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const space = line.indexOf(' ');
    if (space < 1) throw new InvitationError(`malformed invitation line "${line.slice(0, 40)}"`);
    const key = line.slice(0, space);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(space + 1)]);
  }
  const one = (key: string): string => {
    const v = fields.get(key);
    if (v?.length !== 1 || !ONE_LINE.test(v[0]!)) throw new InvitationError(`the invitation needs one "${key}" line`);
    return v[0]!;
  };
  const addresses = fields.get('address') ?? [];
  if (addresses.length === 0 || addresses.length > MAX_ADDRESSES || !addresses.every((a) => a.startsWith('/')))
    throw new InvitationError('the invitation needs 1 to 8 multiaddr "address" lines');
  const country = one('country');
  if (!/^[A-Z]{2}$/.test(country)) throw new InvitationError('the country is an ISO 3166-1 alpha-2 code');
  const logKey = one('log');
  const witnessKey = one('witness');
  const log = parseVerifierKey(logKey, verify);
  const witness = parseVerifierKey(witnessKey, verify);
  if (log.type !== ED25519_KEY_TYPE) throw new InvitationError('the log key is not an Ed25519 note key');
  if (witness.type !== COSIGNATURE_V1_KEY_TYPE)
    throw new InvitationError('the witness key is not a cosignature/v1 key');
  try {
    openNote(note, [log]);
  } catch (cause) {
    throw new InvitationError('the invitation is not signed by the log key it announces', { cause });
  }
  const peerId = one('peer');
  if (!/^[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(peerId)) throw new InvitationError('the peer id is not a libp2p peer id');
  return { organisation: one('organisation'), country, peerId, addresses, origin: log.name, logKey, witnessKey };
}
