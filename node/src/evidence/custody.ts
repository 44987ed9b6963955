// Custody events: what happened to an evidence file and when, logged as salted commitments
// (DESIGN §4) like the file itself. The node makes the "received" event when an upload
// completes. An event's JSON and its salt are sealed to the case key at once: the node
// holds only the public key, so what it keeps of an event is unreadable on the node, and
// only the commitment, which the public log holds anyway, stays in the clear.
//
//   event   {"v":1,"event":"received","evidence":"<commitment, base64>","at":"2026-05-01T14:00Z","log":"<origin>"}
//   sealed  crypto_box_seal(salt (32) ‖ event JSON bytes, case public key)
//   logged  custodyCommitment(salt, event JSON bytes)
import { SALT_BYTES, custodyCommitment } from '../../../federation/src/commitment/index.ts';
import {
  type BoxPublicKey,
  type BoxSecretKey,
  openSealed,
  randomBytes,
  seal,
  wipe,
} from '../../../client/src/envelope/index.ts';
import {
  CUSTODY_EVENT_VERSION,
  type CustodyEventKind,
  formatCustodyEvent,
} from '../../../federation/src/package/index.ts';
import { type NewCustodyEvent, currentHour } from '../store/index.ts';

export class CustodyEventError extends Error {
  override name = 'CustodyEventError';
}

/**
 * The bytes of a custody event (federation/src/package: one canonical encoding), its time to
 * the hour (decision 0007): an evidence package goes to a court, where an exact second could
 * be matched against network records to find the reporter.
 */
export function custodyEvent(
  event: CustodyEventKind,
  evidenceCommitment: Uint8Array,
  origin: string,
  now = new Date(),
): Uint8Array {
  return formatCustodyEvent({
    v: CUSTODY_EVENT_VERSION,
    event,
    evidence: Buffer.from(evidenceCommitment).toString('base64'),
    at: currentHour(now),
    log: origin,
  });
}

/** The "received" event the node makes when an upload completes. */
export function receivedEvent(evidenceCommitment: Uint8Array, origin: string, now = new Date()): Uint8Array {
  return custodyEvent('received', evidenceCommitment, origin, now);
}

/** Seals an event with a fresh salt to the case key, and gives its commitment to log. */
export function sealCustodyEvent(evidenceId: string, event: Uint8Array, casePublicKey: BoxPublicKey): NewCustodyEvent {
  const salt = randomBytes(SALT_BYTES);
  const plain = new Uint8Array(SALT_BYTES + event.length);
  plain.set(salt);
  plain.set(event, SALT_BYTES);
  try {
    return { evidenceId, sealed: seal(plain, casePublicKey), commitment: custodyCommitment(salt, event) };
  } finally {
    wipe(salt, plain);
  }
}

/** Opens a sealed event with the case secret key (admin tools). */
export function openCustodyEvent(
  sealed: Uint8Array,
  caseSecretKey: BoxSecretKey,
): { readonly salt: Uint8Array; readonly event: Uint8Array } {
  const plain = openSealed(sealed, caseSecretKey);
  if (plain.length <= SALT_BYTES) throw new CustodyEventError('a sealed custody event is too short');
  return { salt: plain.slice(0, SALT_BYTES), event: plain.slice(SALT_BYTES) };
}
