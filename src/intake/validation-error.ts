import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A rejected payload. The message names every field that is wrong so the sender can fix it. */
export class ValidationError extends Error {
  constructor(
    readonly problems: FieldProblem[],
    prefix = 'invalid alert',
  ) {
    super(`${prefix}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }

  static fromZod(error: z.ZodError, prefix?: string): ValidationError {
    return new ValidationError(
      error.issues.slice(0, 20).map((issue) => ({
        field: issue.path.length ? issue.path.map(String).join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)',
        message: issue.message,
      })),
      prefix,
    );
  }
}
