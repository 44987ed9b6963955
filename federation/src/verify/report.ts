// The verifier's report: one entry per check, in plain language, for a court clerk as much
// as for a program. A check never throws out of the verifier: any error becomes its reason.

export interface VerificationCheck {
  /** Stable identifier, e.g. "evidence-sha256" or "custody-0-inclusion". */
  readonly id: string;
  /** What was checked, as a short phrase. */
  readonly title: string;
  readonly ok: boolean;
  /** What was found: on failure, precisely why. */
  readonly detail: string;
}

export interface VerificationReport {
  /** True only when there is at least one check and every check passed. */
  readonly ok: boolean;
  readonly checks: readonly VerificationCheck[];
}

/** Thrown inside a check to fail it with this detail. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export function fail(detail: string): never {
  throw new CheckFailure(detail);
}

/** Errors whose messages are written for readers; anything else is a defect, said as such. */
const EXPLAINED = new Set([
  'CheckFailure',
  'PackageFormatError',
  'NoteError',
  'UnverifiedNoteError',
  'ProofError',
  'CommitmentError',
  'TrustPolicyError',
]);

function reason(error: unknown): string {
  if (error instanceof Error && EXPLAINED.has(error.name)) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `could not be checked because of an unexpected error (${text})`;
}

/** Collects checks in order. */
export class Checks {
  readonly #checks: VerificationCheck[] = [];

  /** Runs `body`, which returns the detail of a pass and throws to fail. */
  run(id: string, title: string, body: () => string): boolean {
    try {
      this.#checks.push({ id, title, ok: true, detail: body() });
      return true;
    } catch (error) {
      this.#checks.push({ id, title, ok: false, detail: reason(error) });
      return false;
    }
  }

  report(): VerificationReport {
    const checks = [...this.#checks];
    return { ok: checks.length > 0 && checks.every((c) => c.ok), checks };
  }
}

/** "1 custody event", "2 custody events". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
