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
      error.issues
        .flatMap((issue): FieldProblem[] => {
          const at = issue.path.map(String);
          // Each unknown key is a field of its own: the sender looks for that name.
          if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ field: [...at, k || '""'].join('.'), message: `Unrecognized key: ${JSON.stringify(k)}` }));
          return [{ field: at.length ? at.join('.') : '(body)', message: issue.message }];
        })
        .slice(0, 20),
      prefix,
    );
  }
}
