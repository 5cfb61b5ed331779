import { z } from 'zod';

/** Which app a device runs: the repository's name and version. */
export const appRefSchema = z.object({
  id: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
});
export type AppRef = z.infer<typeof appRefSchema>;
