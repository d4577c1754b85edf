/**
 * The error type the radiomics engine throws for input a user can fix: a bad parameter file,
 * an empty mask, an absent label, mismatched image/mask geometry, a ROI too small.
 *
 * `where` names the place (a parameter-file key such as `setting.binWidth`, or `mask`), so a
 * service can show the message unchanged next to the case it belongs to.
 */
export class RadiomicsInputError extends Error {
  override readonly name = 'RadiomicsInputError';
  readonly where: string;
  readonly problem: string;

  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.where = where;
    this.problem = problem;
  }
}
