// tarfind (Embench-like set): looks files up by name in a ustar archive built into the
// program, as a device would find a file in a bundle it received. A first walk validates
// every header checksum; then each round runs every query: walk the headers, compare
// names, hash the contents of what is found. Same algorithm, checks and output as
// bench/embench/tarfind.c.
const ROUNDS = 100, BLOCK = 512;
const NAME_BYTES = 100, SIZE_OFFSET = 124, SIZE_BYTES = 12;
const CHKSUM_OFFSET = 148, CHKSUM_BYTES = 8, TYPE_OFFSET = 156;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');
const fieldHex = (label, v) => write(label, ': ', (v >>> 0).toString(16).padStart(8, '0'), '\n');

// BEGIN DATA (firmware/tools/gen-script-data.ts, from bench/embench/tarfind*.h)
const TAR_ENTRY_COUNT = 21;
const TAR_FILE_COUNT = 16;
const TAR_CONTENT_BYTES = 4460;
const TAR_CONTENT_FNV1A = 0x7e2620e6;
const TAR_QUERIES_PRESENT = 16;
const TAR_QUERIES = [
  "vmfleet/NOTICE", "vmfleet/VERSION", "vmfleet/keys/gateway.pub.txt", "vmfleet/manifest.cbor.txt", "vmfleet/logs/faults.log", "vmfleet/logs/events.log", "vmfleet/logs/ota.log", "vmfleet/logs/boot.log", "vmfleet/config/limits.conf", "vmfleet/config/sensors.conf", "vmfleet/config/network.conf", "vmfleet/config/board.conf", "vmfleet/apps/button-counter.txt", "vmfleet/apps/thermostat.txt", "vmfleet/apps/blink.txt", "vmfleet/README",
  "vmfleet/apps/missing.txt", "vmfleet/config", "README", "vmfleet/logs/boot.lo",
];
const TAR_ARCHIVE_BYTES = 19968;
const TAR_RUN_OFFSETS = [
  0, 100, 257, 297, 512, 612, 769, 809, 1024, 1124, 1281, 1321, 1536, 1636, 1793, 1833,
  2048, 2148, 2305, 2345, 2560, 2660, 2817, 2857, 3072, 3584, 3684, 3841, 3881, 4096, 4608, 4708,
  4865, 4905, 5120, 5632, 5732, 5889, 5929, 6144, 6656, 6756, 6913, 6953, 7168, 7680, 7780, 7937,
  7977, 8192, 8704, 8804, 8961, 9001, 9216, 9728, 9828, 9985, 10025, 10240, 10752, 10852, 11009, 11049,
  11264, 11776, 11876, 12033, 12073, 12288, 12800, 12900, 13057, 13097, 13312, 13824, 13924, 14081, 14121, 14336,
  14848, 14948, 15105, 15145, 15360, 15872, 15972, 16129, 16169, 16384, 16896, 16996, 17153, 17193, 17408, 17920,
  18020, 18177, 18217, 18432,
];
const TAR_RUN_BYTES = [
  'vmfleet/',
  '0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00012451\x00 5',
  'ustar\x0000vmfleet',
  'vmfleet',
  'vmfleet/apps/',
  '0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013414\x00 5',
  'ustar\x0000vmfleet',
  'vmfleet',
  'vmfleet/config/',
  '0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013716\x00 5',
  'ustar\x0000vmfleet',
  'vmfleet',
  'vmfleet/keys/',
  '0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013424\x00 5',
  'ustar\x0000vmfleet',
  'vmfleet',
  'vmfleet/logs/',
  '0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013415\x00 5',
  'ustar\x0000vmfleet',
  'vmfleet',
  'vmfleet/README',
  '0000644\x000001750\x000001750\x0000000000256\x0014524770400\x00013334\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'guest budget update gateway board led telemetry\x0ahandler image manifest flash fan led\x0atelemetry payload sensor sensor latency benchmark\x0amemory stack block flash block led led\x0a',
  'vmfleet/apps/blink.txt',
  '0000644\x000001750\x000001750\x0000000000725\x0014524770400\x00015260\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'board fan stack thermostat guest publish button chunk\x0alatency budget resume thermostat\x0atelemetry fan guest publish\x0aimage block resume sequence event publish\x0achunk manifest rollback resume image board engine manifest\x0asequence guest manifest campaign handler stack signature\x0afan publish latency\x0agateway handler event device update flash handler flash\x0afan button image publish manifest gateway stack\x0asequence latency engine update update\x0astack sequence publish thermostat\x0a',
  'vmfleet/apps/thermostat.txt',
  '0000644\x000001750\x000001750\x0000000000427\x0014524770400\x00016352\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'budget handler board timer manifest payload handler\x0aengine payload telemetry guest event led device timer\x0aresume latency led\x0agateway thermostat timer update resume guest guest sequence\x0aupdate benchmark rollback budget campaign image\x0aguest chunk telemetry\x0atelemetry gateway image\x0a',
  'vmfleet/apps/button-counter.txt',
  '0000644\x000001750\x000001750\x0000000000533\x0014524770400\x00017146\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'manifest telemetry telemetry\x0amemory button engine fan device block timer\x0abenchmark gateway latency sequence payload block led\x0aimage block thermostat latency thermostat update\x0abutton telemetry led board benchmark\x0aupdate board handler device button button\x0aimage syscall handler syscall handler signature\x0aimage block button manifest resume telemetry\x0a',
  'vmfleet/config/board.conf',
  '0000644\x000001750\x000001750\x0000000000461\x0014524770400\x00015655\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'timer gateway signature device\x0aimage board resume\x0apublish manifest publish publish timer chunk\x0amanifest memory button manifest device timer sequence board\x0acampaign sequence gateway\x0aengine rollback signature syscall led campaign rollback\x0ablock telemetry publish publish\x0amemory block gateway event rollback\x0a',
  'vmfleet/config/network.conf',
  '0000644\x000001750\x000001750\x0000000000334\x0014524770400\x00016256\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'thermostat timer manifest flash flash thermostat\x0asequence resume guest block stack led campaign\x0amanifest stack sensor thermostat gateway benchmark\x0athermostat benchmark manifest\x0aflash syscall handler budget engine sensor\x0a',
  'vmfleet/config/sensors.conf',
  '0000644\x000001750\x000001750\x0000000000613\x0014524770400\x00016261\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'thermostat flash timer fan publish guest\x0amanifest stack latency update board flash led\x0achunk sensor update sequence engine manifest latency memory\x0amemory flash timer handler syscall\x0arollback thermostat chunk chunk sensor\x0atelemetry timer memory telemetry resume campaign sequence\x0apublish button rollback image block resume\x0aguest budget fan campaign event sequence\x0asignature resume memory syscall\x0a',
  'vmfleet/config/limits.conf',
  '0000644\x000001750\x000001750\x0000000000212\x0014524770400\x00016061\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'button button benchmark handler button stack\x0achunk timer budget\x0achunk board budget campaign gateway event\x0aboard button image device event\x0a',
  'vmfleet/logs/boot.log',
  '0000644\x000001750\x000001750\x0000000000401\x0014524770400\x00015056\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'device signature rollback fan manifest\x0aresume resume sensor engine resume\x0aguest budget publish\x0arollback sensor timer payload manifest gateway sensor budget\x0abutton signature publish block button sensor sequence\x0athermostat block resume thermostat image image\x0a',
  'vmfleet/logs/ota.log',
  '0000644\x000001750\x000001750\x0000000000662\x0014524770400\x00014707\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'telemetry device button rollback signature manifest\x0arollback led syscall resume sequence benchmark engine\x0aupdate telemetry rollback publish\x0astack handler handler\x0aflash event block block timer\x0ablock sensor latency manifest image budget\x0afan board latency chunk update\x0athermostat sequence thermostat device resume update handler thermostat\x0atelemetry sequence payload sensor\x0apayload payload event memory engine\x0aimage guest resume latency\x0a',
  'vmfleet/logs/events.log',
  '0000644\x000001750\x000001750\x0000000000146\x0014524770400\x00015425\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'payload flash device latency gateway sensor\x0achunk budget device device syscall resume publish publish\x0a',
  'vmfleet/logs/faults.log',
  '0000644\x000001750\x000001750\x0000000000240\x0014524770400\x00015412\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'publish signature board manifest syscall device resume handler\x0acampaign event syscall publish\x0ablock signature budget guest timer\x0aengine manifest publish update\x0a',
  'vmfleet/manifest.cbor.txt',
  '0000644\x000001750\x000001750\x0000000000576\x0014524770400\x00015754\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'stack guest timer guest stack\x0apayload campaign sensor fan campaign\x0ablock manifest sensor budget board image device\x0afan telemetry guest board image resume device syscall\x0atelemetry chunk campaign syscall board engine campaign handler\x0arollback payload update payload\x0amanifest sequence sequence publish syscall resume payload\x0achunk campaign latency update manifest chunk device gateway\x0a',
  'vmfleet/keys/gateway.pub.txt',
  '0000644\x000001750\x000001750\x0000000000642\x0014524770400\x00016415\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'latency update memory publish memory block sequence\x0abenchmark timer benchmark guest led\x0arollback latency benchmark image\x0aresume memory campaign payload block update\x0atimer budget telemetry resume timer engine\x0astack block chunk signature guest campaign image telemetry\x0asequence engine sequence syscall campaign\x0amemory device syscall sensor benchmark thermostat payload\x0ahandler manifest latency rollback handler campaign\x0a',
  'vmfleet/VERSION',
  '0000644\x000001750\x000001750\x0000000000376\x0014524770400\x00013527\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'rollback latency button handler update\x0aflash update telemetry payload\x0aupdate sequence fan memory device payload gateway\x0apublish memory manifest led\x0aguest event stack handler thermostat guest rollback\x0acampaign button update led latency chunk button image\x0a',
  'vmfleet/NOTICE',
  '0000644\x000001750\x000001750\x0000000000176\x0014524770400\x00013361\x00 0',
  'ustar\x0000vmfleet',
  'vmfleet',
  'sensor latency update gateway publish button\x0agateway led board telemetry thermostat update\x0athermostat payload sequence button\x0a',
];
// END DATA

// The archive: its runs of data, zeros between them.
const archive = new Uint8Array(TAR_ARCHIVE_BYTES);
TAR_RUN_OFFSETS.forEach((at, r) => {
  const run = TAR_RUN_BYTES[r];
  for (let i = 0; i < run.length; i++) archive[at + i] = run.charCodeAt(i);
});

function parseOctal(p, n) {
  let v = 0;
  for (; n && archive[p] >= 48 && archive[p] <= 55; n--, p++) v = v * 8 + (archive[p] - 48);
  return v;
}

function isEndBlock(h) {
  for (let i = 0; i < BLOCK; i++) if (archive[h + i]) return false;
  return true;
}

// The checksum sums the header with its own field read as spaces.
function headerValid(h) {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= CHKSUM_OFFSET && i < CHKSUM_OFFSET + CHKSUM_BYTES ? 32 : archive[h + i];
  }
  return sum === parseOctal(h + CHKSUM_OFFSET, CHKSUM_BYTES);
}

const isRegularFile = (h) => archive[h + TYPE_OFFSET] === 48 || archive[h + TYPE_OFFSET] === 0;

function fnv1a(p, n, hash) {
  while (n--) hash = Math.imul(hash ^ archive[p++], 0x01000193) >>> 0;
  return hash;
}

// strncmp(name field, name, NAME_BYTES) == 0
function nameIs(h, name) {
  for (let i = 0; i < NAME_BYTES; i++) {
    const want = i < name.length ? name.charCodeAt(i) : 0;
    if (archive[h + i] !== want) return false;
    if (want === 0) return true;
  }
  return true;
}

// The header offset of regular file `name`, or -1; with `w`, validates and counts.
function tarFind(name, w) {
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const h = at;
    if (archive[h] === 0 && isEndBlock(h)) break;
    if (w && !headerValid(h)) {
      w.badHeaders++;
      break;
    }
    const size = parseOctal(h + SIZE_OFFSET, SIZE_BYTES);
    if (w) {
      w.entries++;
      if (isRegularFile(h)) w.files++;
    }
    if (name !== null && isRegularFile(h) && nameIs(h, name)) return h;
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return -1;
}

const all = { entries: 0, files: 0, badHeaders: 0 };
tarFind(null, all);
field('entries', all.entries);
field('files', all.files);

let roundsOk = 0, found = 0, bytes = 0, hash = 0;
for (let r = 0; r < ROUNDS; r++) {
  found = bytes = 0;
  hash = 0x811c9dc5;
  // Queries run last file first, so this hashes the files in reverse archive order.
  for (const query of TAR_QUERIES) {
    const h = tarFind(query, null);
    if (h < 0) continue;
    const size = parseOctal(h + SIZE_OFFSET, SIZE_BYTES);
    found++;
    bytes += size;
    hash = fnv1a(h + BLOCK, size, hash);
  }
  if (found === TAR_QUERIES_PRESENT && bytes === TAR_CONTENT_BYTES) roundsOk++;
}
field('found', found);
field('bytes', bytes);
fieldHex('fnv1a (query order)', hash);

// The generator's hash is over archive order: redo it that way to compare.
let archiveHash = 0x811c9dc5;
for (let q = TAR_QUERIES_PRESENT - 1; q >= 0; q--) {
  const h = tarFind(TAR_QUERIES[q], null);
  if (h >= 0) archiveHash = fnv1a(h + BLOCK, parseOctal(h + SIZE_OFFSET, SIZE_BYTES), archiveHash);
}
fieldHex('fnv1a (archive order)', archiveHash);

expect(all.badHeaders === 0, 'a header checksum is wrong');
expect(all.entries === TAR_ENTRY_COUNT && all.files === TAR_FILE_COUNT, 'entry count');
expect(roundsOk === ROUNDS, 'a round found the wrong files');
expect(archiveHash === TAR_CONTENT_FNV1A, "contents differ from the generator's");
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
