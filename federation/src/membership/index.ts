export { InvitationError, type Member, createInvitation, parseInvitation } from './invitation.ts';
export { MemberList } from './members.ts';
