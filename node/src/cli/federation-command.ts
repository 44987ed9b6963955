// `backup federation …`: the admin's side of membership. Invitations travel between
// admins by any channel; what makes them safe is that the receiving admin compares the
// fingerprint (the log key) with the other organisation by a second channel (a call).
// Changes to members.json are picked up by a running node within seconds.
import { readFile } from 'node:fs/promises';
import { nodeEd25519Verify } from '../../../federation/src/crypto/node.ts';
import { MemberList, parseInvitation } from '../../../federation/src/membership/index.ts';
import { SplitViewRecords } from '../../../federation/src/service/index.ts';
import { federationPaths, loadFederationIdentity, memberCosigners, ownInvitation } from '../integrity/index.ts';
import { parseCheckpoint, parseNote } from '../../../federation/src/note/index.ts';
import { UsageError } from './usage.ts';

export interface FederationOptions {
  readonly data?: string;
  readonly organisation?: string;
  readonly country?: string;
  readonly address?: readonly string[];
  readonly quorum?: string;
  readonly replace?: boolean;
}

export async function federationCommand(
  action: string | undefined,
  args: readonly string[],
  options: FederationOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  if (!options.data) throw new UsageError('backup federation needs --data DIR');
  const verify = nodeEd25519Verify();
  const paths = federationPaths(options.data);
  const identity = await loadFederationIdentity(options.data);
  const members = await MemberList.open(paths.members, verify);
  switch (action) {
    case 'invite': {
      if (!options.organisation || !options.country || !options.address?.length)
        throw new UsageError('backup federation invite needs --organisation NAME --country CC --address MULTIADDR');
      out.write(
        ownInvitation(identity, {
          organisation: options.organisation,
          country: options.country,
          addresses: options.address,
        }),
      );
      return 0;
    }
    case 'add': {
      const [file] = args;
      if (!file) throw new UsageError('backup federation add needs the invitation FILE');
      const text = await readFile(file, 'utf8');
      const member = parseInvitation(text, verify);
      await members.add(text, identity, options.replace === true);
      out.write(
        `Added ${member.organisation} (${member.country}).\n` +
          `Before trusting it, read this log key to them by phone and have them confirm it:\n  ${member.logKey}\n`,
      );
      return 0;
    }
    case 'remove': {
      const [id] = args;
      if (!id) throw new UsageError('backup federation remove needs a peer id or log origin');
      const removed = await members.remove(id);
      out.write(removed ? `Removed ${id}.\n` : `No member ${id}.\n`);
      return removed ? 0 : 1;
    }
    case 'policy': {
      const logs = [
        { origin: identity.origin, key: identity.logVerifierKey },
        ...members.list().map((m) => ({ origin: m.origin, key: m.logKey })),
      ];
      // This node's own witness too, for its members' logs: the verifier never counts a
      // log's own witness ("<origin>/witness") for that log (decision 0014).
      const witnesses = [identity.witnessVerifierKey, ...members.list().map((m) => m.witnessKey)].map((key) => ({
        key,
      }));
      const quorum =
        options.quorum === undefined ? Math.max(1, Math.min(3, members.list().length)) : Number(options.quorum);
      if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > witnesses.length)
        throw new UsageError(`--quorum is a whole number from 1 to ${witnesses.length}`);
      out.write(`${JSON.stringify({ v: 1, logs, witnesses, quorum }, null, 2)}\n`);
      return 0;
    }
    case 'list':
    case 'status': {
      out.write(`This node: ${identity.origin}\n  log key:     ${identity.logVerifierKey}\n`);
      out.write(`  witness key: ${identity.witnessVerifierKey}\n  peer id:     ${identity.peerId}\n`);
      const checkpoint = await readFile(paths.checkpoint, 'utf8').catch(() => undefined);
      if (checkpoint) {
        const { size } = parseCheckpoint(parseNote(checkpoint).text);
        const cosigners = memberCosigners(checkpoint, members.list(), verify).length;
        out.write(`  latest checkpoint: ${size} entries, ${cosigners} cosignature(s) by members\n`);
      }
      out.write(`Members (${members.list().length}):\n`);
      for (const m of members.list()) out.write(`  ${m.organisation} (${m.country})  ${m.origin}  ${m.peerId}\n`);
      const splitViews = new SplitViewRecords(paths.splitViews).list();
      if (splitViews.length > 0) {
        out.write(`\nSPLIT VIEWS DETECTED (${splitViews.length}): these logs signed contradicting checkpoints.\n`);
        for (const r of splitViews) out.write(`  ${r.observedAt}  ${r.origin}: ${r.reason}\n`);
        out.write(`The signed proof of each is in ${paths.splitViews}.\n`);
      }
      return 0;
    }
    default:
      throw new UsageError('backup federation invite|add|remove|list|status|policy');
  }
}
