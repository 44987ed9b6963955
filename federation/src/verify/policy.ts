// The trust policy: which logs, which witnesses, how many cosignatures. It is what makes a
// verification mean something, so it never comes from the package; the verifier's user
// brings it, and a policy that cannot be met (or names a key twice) is refused outright.
//
//   { "v": 1, "logs": [{ "origin": "…", "key": "<vkey, type 0x01>" }],
//     "witnesses": [{ "key": "<vkey, type 0x04>" }], "quorum": 2 }
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type KeyType,
  type NoteVerifier,
  parseVerifierKey,
  toBase64,
} from '../note/index.ts';

export const TRUST_POLICY_VERSION = 1;
export const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_KEYS = 1000;

export interface TrustedLog {
  readonly origin: string;
  /** C2SP verifier key of type 0x01 (Ed25519 signed-note). */
  readonly key: string;
}

export interface TrustedWitness {
  /** C2SP verifier key of type 0x04 (tlog-cosignature/v1). */
  readonly key: string;
}

export interface TrustPolicy {
  readonly v: typeof TRUST_POLICY_VERSION;
  readonly logs: readonly TrustedLog[];
  readonly witnesses: readonly TrustedWitness[];
  /** Cosignatures from distinct trusted witnesses that a checkpoint needs. */
  readonly quorum: number;
}

export class TrustPolicyError extends Error {
  override name = 'TrustPolicyError';
}

const noVerify = () => false;

/** Parses one key of the policy: it must be well formed and of the expected type. */
export function policyKey(what: string, value: unknown, type: KeyType): NoteVerifier {
  if (typeof value !== 'string') throw new TrustPolicyError(`${what} is not a verifier key string`);
  let key: NoteVerifier;
  try {
    key = parseVerifierKey(value, noVerify);
  } catch (cause) {
    throw new TrustPolicyError(`${what} is not a valid C2SP verifier key: ${(cause as Error).message}`, { cause });
  }
  if (key.type !== type)
    throw new TrustPolicyError(
      `${what} is of type 0x0${key.type}, not 0x0${type} (${type === ED25519_KEY_TYPE ? 'Ed25519 log key' : 'cosignature/v1 witness key'})`,
    );
  return key;
}

function fields(what: string, value: unknown, names: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TrustPolicyError(`${what} is not a JSON object`);
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new TrustPolicyError(`${what} has unknown fields: ${unknown.join(', ')}`);
  const missing = names.filter((k) => !(k in record));
  if (missing.length > 0) throw new TrustPolicyError(`${what} lacks ${missing.join(', ')}`);
  return record;
}

function list(what: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TrustPolicyError(`${what} is not a list`);
  if (value.length > MAX_KEYS) throw new TrustPolicyError(`${what} has more than ${MAX_KEYS} entries`);
  return value;
}

function unique(what: string, kind: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw new TrustPolicyError(`${what} lists the ${kind} ${key} twice`);
    seen.add(key);
  }
}

/** Checks a policy made in code as strictly as one read from a file. */
export function checkTrustPolicy(value: unknown): TrustPolicy {
  const p = fields('the policy', value, ['v', 'logs', 'witnesses', 'quorum']);
  if (p['v'] !== TRUST_POLICY_VERSION) throw new TrustPolicyError(`the policy is not version ${TRUST_POLICY_VERSION}`);
  const logs = list('the policy\'s "logs"', p['logs']).map((entry, n): TrustedLog => {
    const log = fields(`logs[${n}]`, entry, ['origin', 'key']);
    const origin = log['origin'];
    if (typeof origin !== 'string' || origin.length === 0 || /[\n\r]/.test(origin))
      throw new TrustPolicyError(`logs[${n}].origin is not a log origin`);
    policyKey(`logs[${n}].key`, log['key'], ED25519_KEY_TYPE);
    return { origin, key: log['key'] as string };
  });
  if (logs.length === 0) throw new TrustPolicyError('the policy trusts no log');
  const publicKeys: string[] = [];
  const witnesses = list('the policy\'s "witnesses"', p['witnesses']).map((entry, n): TrustedWitness => {
    const witness = fields(`witnesses[${n}]`, entry, ['key']);
    publicKeys.push(toBase64(policyKey(`witnesses[${n}].key`, witness['key'], COSIGNATURE_V1_KEY_TYPE).publicKey));
    return { key: witness['key'] as string };
  });
  unique(
    'the policy\'s "logs"',
    'key',
    logs.map((l) => l.key),
  );
  // One witness under two names must not count twice towards the quorum.
  unique('the policy\'s "witnesses"', 'public key', publicKeys);
  const quorum = p['quorum'];
  if (typeof quorum !== 'number' || !Number.isSafeInteger(quorum) || quorum < 0)
    throw new TrustPolicyError('the policy\'s "quorum" is not a whole number of cosignatures');
  if (quorum > witnesses.length)
    throw new TrustPolicyError(`the policy needs ${quorum} cosignatures but trusts only ${witnesses.length} witnesses`);
  return { v: TRUST_POLICY_VERSION, logs, witnesses, quorum };
}

export function parseTrustPolicy(input: string | Uint8Array): TrustPolicy {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_POLICY_BYTES) throw new TrustPolicyError('the policy is too large');
  let value: unknown;
  try {
    value = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input));
  } catch (cause) {
    throw new TrustPolicyError('the policy is not JSON text', { cause });
  }
  return checkTrustPolicy(value);
}
