// The member list: the invitations this node's admin accepted, kept in <dir>/members.json.
// The list is the whole of the federation's trust on this node: libp2p connections, witness
// duties and gossip are all limited to it.
import { readFile } from 'node:fs/promises';
import type { Ed25519Verify } from '../crypto/index.ts';
import { writeFileDurably } from '../fs/durable.ts';
import { InvitationError, type Member, parseInvitation } from './invitation.ts';

interface MembersFile {
  readonly v: 1;
  readonly invitations: readonly string[];
}

export class MemberList {
  private members: readonly Member[];
  private invitations: readonly string[];

  private readonly path: string;
  private readonly verify: Ed25519Verify;
  private changing: Promise<unknown> = Promise.resolve();

  private constructor(path: string, verify: Ed25519Verify, invitations: readonly string[]) {
    this.path = path;
    this.verify = verify;
    this.invitations = invitations;
    this.members = invitations.map((i) => parseInvitation(i, verify));
  }

  static async open(path: string, verify: Ed25519Verify): Promise<MemberList> {
    let file: MembersFile = { v: 1, invitations: [] };
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as MembersFile;
      if (
        parsed?.v !== 1 ||
        !Array.isArray(parsed.invitations) ||
        !parsed.invitations.every((i) => typeof i === 'string')
      )
        throw new InvitationError(`${path} is damaged or of an unknown version`);
      file = parsed;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
    return new MemberList(path, verify, file.invitations);
  }

  list(): readonly Member[] {
    return this.members;
  }

  byPeerId(peerId: string): Member | undefined {
    return this.members.find((m) => m.peerId === peerId);
  }

  byOrigin(origin: string): Member | undefined {
    return this.members.find((m) => m.origin === origin);
  }

  /**
   * Adds a member from its invitation. One that names a member's peer id or log replaces it
   * only when `replace` says so: an invitation must not quietly take over a member.
   */
  add(invitation: string, self?: { peerId: string; origin: string }, replace = false): Promise<Member> {
    const member = parseInvitation(invitation, this.verify);
    if (self && (member.peerId === self.peerId || member.origin === self.origin))
      return Promise.reject(new InvitationError('this is this node’s own invitation'));
    return this.change(async () => {
      const known = this.members.find((m) => m.peerId === member.peerId || m.origin === member.origin);
      if (known && !replace)
        throw new InvitationError(
          `${known.organisation} (${known.origin}) is already a member with this peer id or log`,
        );
      await this.save([...this.without((m) => m.peerId === member.peerId || m.origin === member.origin), invitation]);
      return member;
    });
  }

  remove(peerIdOrOrigin: string): Promise<boolean> {
    return this.change(async () => {
      const keep = this.without((m) => m.peerId === peerIdOrOrigin || m.origin === peerIdOrOrigin);
      if (keep.length === this.invitations.length) return false;
      await this.save(keep);
      return true;
    });
  }

  private without(match: (m: Member) => boolean): string[] {
    return this.invitations.filter((_, i) => !match(this.members[i]!));
  }

  /** Changes run one after the other, each on the list the previous one left. */
  private change<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.changing.then(fn);
    this.changing = result.catch(() => undefined);
    return result;
  }

  /** Picks up an edit made by another process (the admin CLI) while the node runs. */
  reload(): Promise<void> {
    // In turn with this process's own changes: a read racing a save would undo it here.
    return this.change(async () => {
      const fresh = await MemberList.open(this.path, this.verify);
      this.invitations = fresh.invitations;
      this.members = fresh.members;
    });
  }

  private async save(invitations: readonly string[]): Promise<void> {
    const members = invitations.map((i) => parseInvitation(i, this.verify));
    const file: MembersFile = { v: 1, invitations };
    await writeFileDurably(this.path, `${JSON.stringify(file, null, 2)}\n`);
    this.invitations = invitations;
    this.members = members;
  }
}
