/** A package, or one of its files, is malformed; the message says which part and why. */
export class PackageFormatError extends Error {
  override name = 'PackageFormatError';
}

/** The builder was given inputs that would make a package that cannot verify. */
export class PackageInputError extends Error {
  override name = 'PackageInputError';
}
