import { describeEngineContract } from './core/testing/contract';
import { AVAILABLE_ENGINES } from './index';

/** The Engine contract on every engine this runtime registers, tiers and script VMs included. */
describe.each(AVAILABLE_ENGINES)('%s keeps the Engine contract', (kind) => {
  describeEngineContract(kind);
});
