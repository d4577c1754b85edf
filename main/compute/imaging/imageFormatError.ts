/**
 * The one error type the image readers and writers throw for bad input.
 *
 * The message always starts with the file (or "<bytes>" when the caller gave no name) and
 * then says what was wrong, so a service can show it to the user unchanged.
 */
export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
  /** File name or path the bytes came from, as the caller named it. */
  readonly source: string;
  /** What was wrong, without the file name. */
  readonly problem: string;

  constructor(source: string | undefined, problem: string, options?: { cause?: unknown }) {
    const src = source && source.length > 0 ? source : '<bytes>';
    super(`${src}: ${problem}`, options);
    this.source = src;
    this.problem = problem;
  }
}
