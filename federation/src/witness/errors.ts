/** An add-checkpoint body that is not what tlog-witness specifies: answered 400. */
export class AddCheckpointRequestError extends Error {
  override name = 'AddCheckpointRequestError';
}

/** The witness database cannot be used by this software (e.g. a newer schema). */
export class WitnessStoreError extends Error {
  override name = 'WitnessStoreError';
}

/** A witness configured in a way that cannot work (wrong key type, mismatched name). */
export class WitnessConfigError extends Error {
  override name = 'WitnessConfigError';
}

/** A witness response that is not a sequence of note signature lines. */
export class WitnessResponseError extends Error {
  override name = 'WitnessResponseError';
}

/** The witness did not cosign: refused, answered something unusable, or is ahead of us. */
export class CosignatureRequestError extends Error {
  override name = 'CosignatureRequestError';
  /** The witness's HTTP status, when it answered one. */
  readonly status: number | undefined;

  constructor(message: string, options?: ErrorOptions & { status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}
