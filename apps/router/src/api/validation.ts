import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';
import { describeZodError } from '@cx/contracts';

/** Parses request input with zod; a failure is a 400 that says which field and why. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new BadRequestException(`invalid ${what}: ${describeZodError(r.error)}`);
  return r.data;
}
