/** A refused request body: the path of the offending field and a sentence that names it. */
export interface ValidationError {
  /** Dotted path with list indexes (`conditions.locations.includeLocations[1]`); empty for the body itself. */
  field: string;
  message: string;
}

/**
 * Thrown by the field readers and caught at the validator's edge, so each rule reads as one line
 * instead of threading a result through every nested reader.
 */
export class FieldError extends Error {
  readonly field: string;

  /** `problem` continues the field's name: `new FieldError('state', 'is required.')`. */
  constructor(field: string, problem: string) {
    super(`${field === '' ? 'The request body' : field} ${problem}`);
    this.name = 'FieldError';
    this.field = field;
  }
}

/** Runs a validator, turning a FieldError into the `{ error }` half of its result. */
export function catchFieldError<T>(run: () => T): T | { error: ValidationError } {
  try {
    return run();
  } catch (error) {
    if (error instanceof FieldError) return { error: { field: error.field, message: error.message } };
    throw error;
  }
}
