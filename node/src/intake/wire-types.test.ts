// Keeps the reporting side's wire types (client/src/intake/types.ts) in step with the zod
// schemas the node validates with. These are compile-time checks: `tsc` (npm run
// typecheck) fails when the two drift apart; the runner only lists them.
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { SealedMessage, SealedReport } from '../../../client/src/envelope/index.ts';
import type * as Client from '../../../client/src/intake/types.ts';
import type {
  FollowUpRequest,
  FollowUpStatus,
  MessageAccepted,
  MessageSubmission,
  ReportAccepted,
  ReportSubmission,
  SealedMessageSchema,
  SharedFields,
  ThreadEntry,
} from './index.ts';

/** The client's types are read-only; zod's are not. Only the shapes are compared. */
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;

describe('the client’s wire types', () => {
  describe('for what the reporter sends', () => {
    it('are what the node accepts: a report submission', () => {
      expectTypeOf<Mutable<Client.ReportSubmission>>().toEqualTypeOf<z.input<typeof ReportSubmission>>();
      expectTypeOf<Mutable<Client.SharedFields>>().toEqualTypeOf<z.input<typeof SharedFields>>();
      expectTypeOf<Mutable<SealedReport>>().toEqualTypeOf<z.input<typeof ReportSubmission>['report']>();
    });

    it('are what the node accepts: a follow-up request', () => {
      expectTypeOf<Mutable<Client.FollowUpRequest>>().toEqualTypeOf<z.input<typeof FollowUpRequest>>();
    });

    it('are what the node accepts: a message and its envelope', () => {
      expectTypeOf<Mutable<Client.MessageSubmission>>().toEqualTypeOf<z.input<typeof MessageSubmission>>();
      expectTypeOf<Mutable<SealedMessage>>().toEqualTypeOf<z.input<typeof SealedMessageSchema>>();
    });
  });

  describe('for what the node answers', () => {
    it('are what it sends: a report accepted', () => {
      expectTypeOf<Mutable<Client.ReportAccepted>>().toEqualTypeOf<z.output<typeof ReportAccepted>>();
    });

    it('are what it sends: the follow-up status and its thread', () => {
      expectTypeOf<Mutable<Client.FollowUpStatus>>().toEqualTypeOf<z.output<typeof FollowUpStatus>>();
      expectTypeOf<Mutable<Client.ThreadEntry>>().toEqualTypeOf<z.output<typeof ThreadEntry>>();
    });

    it('are what it sends: a message accepted', () => {
      expectTypeOf<Mutable<Client.MessageAccepted>>().toEqualTypeOf<z.output<typeof MessageAccepted>>();
    });
  });
});
