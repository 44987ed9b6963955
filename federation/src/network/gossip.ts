// Gossip on @libp2p/gossipsub. Messages are signed by their origin (StrictSign) and a
// topic validator runs before delivery and before forwarding, so a message that is not
// from a member, too large, or refused by the caller's validator is neither delivered
// nor passed on.
import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { GossipSub, Message, TopicValidatorFn } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { AlreadySubscribedError, MessageTooLargeError, describeError } from './errors.ts';
import type { Membership } from './membership.ts';
import type { GossipListener, GossipValidator, GossipVerdict, NetworkLog } from './index.ts';

const VERDICTS: Readonly<Record<GossipVerdict, TopicValidatorResult>> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
};

interface Subscription {
  validate: GossipValidator;
  onMessage: GossipListener;
}

export class Gossip {
  readonly #pubsub: GossipSub;
  readonly #membership: Membership;
  readonly #maxMessageBytes: number;
  readonly #log: NetworkLog;
  readonly #subscriptions = new Map<string, Subscription>();
  #running = false;

  constructor(pubsub: GossipSub, membership: Membership, maxMessageBytes: number, log: NetworkLog) {
    this.#pubsub = pubsub;
    this.#membership = membership;
    this.#maxMessageBytes = maxMessageBytes;
    this.#log = log;
    pubsub.addEventListener('message', (event) => this.#deliver(event.detail));
  }

  /** Gossipsub forgets its topics when it stops; this puts ours back after a (re)start. */
  started(): void {
    this.#running = true;
    for (const topic of this.#subscriptions.keys()) this.#pubsub.subscribe(topic);
  }

  stopped(): void {
    this.#running = false;
  }

  subscribe(topic: string, validate: GossipValidator, onMessage: GossipListener): () => void {
    if (this.#subscriptions.has(topic)) throw new AlreadySubscribedError(`already subscribed to ${topic}`);
    const subscription = { validate, onMessage };
    this.#subscriptions.set(topic, subscription);
    this.#pubsub.topicValidators.set(topic, this.#validator(topic, validate));
    if (this.#running) this.#pubsub.subscribe(topic);
    return () => {
      if (this.#subscriptions.get(topic) !== subscription) return;
      this.#subscriptions.delete(topic);
      this.#pubsub.topicValidators.delete(topic);
      if (this.#running) this.#pubsub.unsubscribe(topic);
    };
  }

  async publish(topic: string, data: Uint8Array): Promise<number> {
    if (data.byteLength > this.#maxMessageBytes)
      throw new MessageTooLargeError(
        `message of ${data.byteLength} bytes is over the limit of ${this.#maxMessageBytes}`,
      );
    const { recipients } = await this.#pubsub.publish(topic, data);
    return recipients.length;
  }

  topicPeers(topic: string): string[] {
    return this.#pubsub.getSubscribers(topic).map((peer) => peer.toString());
  }

  #validator(topic: string, validate: GossipValidator): TopicValidatorFn {
    return async (propagationSource: PeerId, message: Message) => {
      // Both the origin and the peer that relayed it must be members (the gater should
      // have kept any other relay out already).
      if (message.type !== 'signed') return TopicValidatorResult.Reject;
      const from = message.from.toString();
      const via = propagationSource.toString();
      if (!this.#membership.isMember(via)) return TopicValidatorResult.Reject;
      // A member may relay for one of its members that is not ours: dropped, not punished.
      if (!this.#membership.isMember(from)) return TopicValidatorResult.Ignore;
      if (message.data.byteLength > this.#maxMessageBytes) return TopicValidatorResult.Reject;
      try {
        return VERDICTS[await validate(message.data, from)] ?? TopicValidatorResult.Ignore;
      } catch (err) {
        this.#log('warn', 'gossip validator failed', { topic, peer: from, error: describeError(err) });
        return TopicValidatorResult.Ignore;
      }
    };
  }

  #deliver(message: Message): void {
    const subscription = this.#subscriptions.get(message.topic);
    if (subscription === undefined || message.type !== 'signed') return;
    try {
      subscription.onMessage(message.data, message.from.toString());
    } catch (err) {
      this.#log('warn', 'gossip listener failed', { topic: message.topic, error: describeError(err) });
    }
  }
}
