import { InitialSchema1763700000000 } from './1763700000000-initial-schema';

/** Every migration, in order. Listed explicitly so ts-jest and the built gateway load the same set. */
export const migrations = [InitialSchema1763700000000];
