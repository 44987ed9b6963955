// Opens connections to members, at their configured addresses only.
//
// A fresh connection is not trusted to be usable until identify has run over it. Noise XX
// authenticates the dialler last, so the dialler's handshake finishes before the remote
// gater has even seen its peer id: a member that does not list us accepts the TCP
// connection, completes Noise, then drops it. Waiting for identify (one round trip, run
// automatically on every new connection) turns that drop into a DialFailedError.
import { peerIdFromString } from '@libp2p/peer-id';
import type { Connection, IdentifyResult, Libp2p } from '@libp2p/interface';
import { DialFailedError } from './errors.ts';
import type { Membership } from './membership.ts';
import type { NetworkLog } from './index.ts';

export class Dialer {
  readonly #libp2p: Libp2p;
  readonly #membership: Membership;
  readonly #log: NetworkLog;
  readonly #identified = new WeakSet<Connection>();

  constructor(libp2p: Libp2p, membership: Membership, log: NetworkLog) {
    this.#libp2p = libp2p;
    this.#membership = membership;
    this.#log = log;
    libp2p.addEventListener('peer:identify', (event) => this.#identified.add(event.detail.connection));
  }

  /** An open connection to the member, dialled at its configured addresses if needed. */
  async connect(peerId: string, signal: AbortSignal): Promise<Connection> {
    let id;
    try {
      id = peerIdFromString(peerId);
    } catch (cause) {
      throw new DialFailedError(`${peerId} is not a peer id`, { cause });
    }
    const open = this.#libp2p.getConnections(id).find((c) => c.status === 'open' && c.limits === undefined);
    if (open !== undefined) return open;
    const skip = (address: string, why: string) =>
      this.#log('warn', 'skipped a configured member address', { peer: peerId, address, reason: why });
    const addresses = this.#membership.dialAddresses(peerId, skip);
    if (addresses.length === 0) throw new DialFailedError(`no usable configured address for member ${peerId}`);
    let connection;
    try {
      connection = await this.#libp2p.dial(addresses, { signal });
    } catch (cause) {
      if (signal.aborted) throw signal.reason;
      throw new DialFailedError(`could not connect to member ${peerId}`, { cause });
    }
    await this.#accepted(connection, signal);
    return connection;
  }

  /** Resolves once identify has run over `connection`; rejects if it closes first. */
  #accepted(connection: Connection, signal: AbortSignal): Promise<void> {
    if (this.#identified.has(connection)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onIdentify = (event: CustomEvent<IdentifyResult>) => {
        if (event.detail.connection === connection) settle();
      };
      const onClose = () =>
        settle(
          new DialFailedError(
            `member ${connection.remotePeer.toString()} closed the connection at once: does it list this node?`,
          ),
        );
      const onAbort = () => settle(signal.reason);
      const settle = (err?: unknown) => {
        this.#libp2p.removeEventListener('peer:identify', onIdentify);
        connection.removeEventListener('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      this.#libp2p.addEventListener('peer:identify', onIdentify);
      connection.addEventListener('close', onClose);
      signal.addEventListener('abort', onAbort);
      if (this.#identified.has(connection)) settle();
      else if (connection.status !== 'open') onClose();
      else if (signal.aborted) onAbort();
    });
  }
}
