import type { Mips1Tier } from '../engine';
import { mips1JitTier } from './tier';

/**
 * The MIPS-I binary translator (`mips1-jit`): basic blocks to JavaScript, exact budgets
 * and faults (tier.ts). createEngine('mips1-jit', …) builds a Mips1Engine with it.
 */
export const MIPS1_JIT: Mips1Tier | null = mips1JitTier;
