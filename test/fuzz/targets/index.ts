import type { FuzzTarget } from '../harness';
import { coapTarget } from './coap';
import { coapBlock1Target } from './coap-block1';
import { manifestTarget } from './manifest';
import { messagesTarget } from './messages';
import { mips1Target } from './mips1';
import { mqttFramesTarget } from './mqtt-frames';
import { rbfTarget } from './rbf';
import { scriptsTarget } from './scripts';
import { wasmTarget } from './wasm';

/** Every decoder and validator of the campaign (issue 15), one target each. */
export const TARGETS: readonly FuzzTarget[] = [
  messagesTarget,
  manifestTarget,
  mips1Target,
  rbfTarget,
  wasmTarget,
  scriptsTarget,
  coapTarget,
  coapBlock1Target,
  mqttFramesTarget,
];

export function targetNamed(name: string): FuzzTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (!target)
    throw new Error(`no fuzz target "${name}"; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
