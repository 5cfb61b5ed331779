/**
 * Writes the C side of the guest ABI from src/protocol/guest-abi.ts: the SDK headers
 * firmware/sdk/{mips1,wasm,ebpf}/vmfleet.h.
 *
 *   npm run gen:abi            write them
 *   npm run gen:abi -- --check exit 1, naming each file, when a checked-in one differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abiFiles } from './abi-headers';

const FIRMWARE = join(__dirname, '..');
const check = process.argv.includes('--check');
if (process.argv.includes('--help')) {
  console.log('usage: gen-abi [--check]\n  writes (or checks) the generated guest ABI headers');
  process.exit(0);
}
let stale = 0;
for (const [file, text] of abiFiles()) {
  const path = join(FIRMWARE, file);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // a new file
  }
  if (current === text) continue;
  if (check) {
    console.error(`firmware/${file} differs from src/protocol/guest-abi.ts: run npm run gen:abi`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote firmware/${file}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
