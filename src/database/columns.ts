import { ValueTransformer } from 'typeorm';

/**
 * PostgreSQL returns BIGINT as a string to keep precision; every bigint we store (Unix ms,
 * byte counts, instruction counts) stays below 2^53, so a JS number is exact.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
