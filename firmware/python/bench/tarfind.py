# tarfind (Embench-like set): looks files up by name in a ustar archive built into the
# program, as a device would find a file in a bundle it received. A first walk validates
# every header checksum; then each round runs every query: walk the headers, compare
# names, hash the contents of what is found. Same algorithm, checks and output as
# bench/embench/tarfind.c. FNV-1a runs on 16-bit halves: MicroPython's small ints have
# 31 bits, and a 32-bit product per byte would make big-int garbage.
ROUNDS, BLOCK = 100, 512
NAME_BYTES, SIZE_OFFSET, SIZE_BYTES = 100, 124, 12
CHKSUM_OFFSET, CHKSUM_BYTES, TYPE_OFFSET = 148, 8, 156
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


# BEGIN DATA (firmware/tools/gen-script-data.ts, from bench/embench/tarfind*.h)
TAR_ENTRY_COUNT = 21
TAR_FILE_COUNT = 16
TAR_CONTENT_BYTES = 4460
TAR_CONTENT_FNV1A = 0x7e2620e6
TAR_QUERIES_PRESENT = 16
TAR_QUERIES = [
  "vmfleet/NOTICE", "vmfleet/VERSION", "vmfleet/keys/gateway.pub.txt", "vmfleet/manifest.cbor.txt", "vmfleet/logs/faults.log", "vmfleet/logs/events.log", "vmfleet/logs/ota.log", "vmfleet/logs/boot.log", "vmfleet/config/limits.conf", "vmfleet/config/sensors.conf", "vmfleet/config/network.conf", "vmfleet/config/board.conf", "vmfleet/apps/button-counter.txt", "vmfleet/apps/thermostat.txt", "vmfleet/apps/blink.txt", "vmfleet/README",
  "vmfleet/apps/missing.txt", "vmfleet/config", "README", "vmfleet/logs/boot.lo",
]
TAR_ARCHIVE_BYTES = 19968
TAR_RUN_OFFSETS = [
  0, 100, 257, 297, 512, 612, 769, 809, 1024, 1124, 1281, 1321, 1536, 1636, 1793, 1833,
  2048, 2148, 2305, 2345, 2560, 2660, 2817, 2857, 3072, 3584, 3684, 3841, 3881, 4096, 4608, 4708,
  4865, 4905, 5120, 5632, 5732, 5889, 5929, 6144, 6656, 6756, 6913, 6953, 7168, 7680, 7780, 7937,
  7977, 8192, 8704, 8804, 8961, 9001, 9216, 9728, 9828, 9985, 10025, 10240, 10752, 10852, 11009, 11049,
  11264, 11776, 11876, 12033, 12073, 12288, 12800, 12900, 13057, 13097, 13312, 13824, 13924, 14081, 14121, 14336,
  14848, 14948, 15105, 15145, 15360, 15872, 15972, 16129, 16169, 16384, 16896, 16996, 17153, 17193, 17408, 17920,
  18020, 18177, 18217, 18432,
]
TAR_RUN_BYTES = [
  b"vmfleet/",
  b"0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00012451\x00 5",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"vmfleet/apps/",
  b"0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013414\x00 5",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"vmfleet/config/",
  b"0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013716\x00 5",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"vmfleet/keys/",
  b"0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013424\x00 5",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"vmfleet/logs/",
  b"0000755\x000001750\x000001750\x0000000000000\x0014524770400\x00013415\x00 5",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"vmfleet/README",
  b"0000644\x000001750\x000001750\x0000000000256\x0014524770400\x00013334\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"guest budget update gateway board led telemetry\x0ahandler image manifest flash fan led\x0atelemetry payload sensor sensor latency benchmark\x0amemory stack block flash block led led\x0a",
  b"vmfleet/apps/blink.txt",
  b"0000644\x000001750\x000001750\x0000000000725\x0014524770400\x00015260\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"board fan stack thermostat guest publish button chunk\x0alatency budget resume thermostat\x0atelemetry fan guest publish\x0aimage block resume sequence event publish\x0achunk manifest rollback resume image board engine manifest\x0asequence guest manifest campaign handler stack signature\x0afan publish latency\x0agateway handler event device update flash handler flash\x0afan button image publish manifest gateway stack\x0asequence latency engine update update\x0astack sequence publish thermostat\x0a",
  b"vmfleet/apps/thermostat.txt",
  b"0000644\x000001750\x000001750\x0000000000427\x0014524770400\x00016352\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"budget handler board timer manifest payload handler\x0aengine payload telemetry guest event led device timer\x0aresume latency led\x0agateway thermostat timer update resume guest guest sequence\x0aupdate benchmark rollback budget campaign image\x0aguest chunk telemetry\x0atelemetry gateway image\x0a",
  b"vmfleet/apps/button-counter.txt",
  b"0000644\x000001750\x000001750\x0000000000533\x0014524770400\x00017146\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"manifest telemetry telemetry\x0amemory button engine fan device block timer\x0abenchmark gateway latency sequence payload block led\x0aimage block thermostat latency thermostat update\x0abutton telemetry led board benchmark\x0aupdate board handler device button button\x0aimage syscall handler syscall handler signature\x0aimage block button manifest resume telemetry\x0a",
  b"vmfleet/config/board.conf",
  b"0000644\x000001750\x000001750\x0000000000461\x0014524770400\x00015655\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"timer gateway signature device\x0aimage board resume\x0apublish manifest publish publish timer chunk\x0amanifest memory button manifest device timer sequence board\x0acampaign sequence gateway\x0aengine rollback signature syscall led campaign rollback\x0ablock telemetry publish publish\x0amemory block gateway event rollback\x0a",
  b"vmfleet/config/network.conf",
  b"0000644\x000001750\x000001750\x0000000000334\x0014524770400\x00016256\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"thermostat timer manifest flash flash thermostat\x0asequence resume guest block stack led campaign\x0amanifest stack sensor thermostat gateway benchmark\x0athermostat benchmark manifest\x0aflash syscall handler budget engine sensor\x0a",
  b"vmfleet/config/sensors.conf",
  b"0000644\x000001750\x000001750\x0000000000613\x0014524770400\x00016261\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"thermostat flash timer fan publish guest\x0amanifest stack latency update board flash led\x0achunk sensor update sequence engine manifest latency memory\x0amemory flash timer handler syscall\x0arollback thermostat chunk chunk sensor\x0atelemetry timer memory telemetry resume campaign sequence\x0apublish button rollback image block resume\x0aguest budget fan campaign event sequence\x0asignature resume memory syscall\x0a",
  b"vmfleet/config/limits.conf",
  b"0000644\x000001750\x000001750\x0000000000212\x0014524770400\x00016061\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"button button benchmark handler button stack\x0achunk timer budget\x0achunk board budget campaign gateway event\x0aboard button image device event\x0a",
  b"vmfleet/logs/boot.log",
  b"0000644\x000001750\x000001750\x0000000000401\x0014524770400\x00015056\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"device signature rollback fan manifest\x0aresume resume sensor engine resume\x0aguest budget publish\x0arollback sensor timer payload manifest gateway sensor budget\x0abutton signature publish block button sensor sequence\x0athermostat block resume thermostat image image\x0a",
  b"vmfleet/logs/ota.log",
  b"0000644\x000001750\x000001750\x0000000000662\x0014524770400\x00014707\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"telemetry device button rollback signature manifest\x0arollback led syscall resume sequence benchmark engine\x0aupdate telemetry rollback publish\x0astack handler handler\x0aflash event block block timer\x0ablock sensor latency manifest image budget\x0afan board latency chunk update\x0athermostat sequence thermostat device resume update handler thermostat\x0atelemetry sequence payload sensor\x0apayload payload event memory engine\x0aimage guest resume latency\x0a",
  b"vmfleet/logs/events.log",
  b"0000644\x000001750\x000001750\x0000000000146\x0014524770400\x00015425\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"payload flash device latency gateway sensor\x0achunk budget device device syscall resume publish publish\x0a",
  b"vmfleet/logs/faults.log",
  b"0000644\x000001750\x000001750\x0000000000240\x0014524770400\x00015412\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"publish signature board manifest syscall device resume handler\x0acampaign event syscall publish\x0ablock signature budget guest timer\x0aengine manifest publish update\x0a",
  b"vmfleet/manifest.cbor.txt",
  b"0000644\x000001750\x000001750\x0000000000576\x0014524770400\x00015754\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"stack guest timer guest stack\x0apayload campaign sensor fan campaign\x0ablock manifest sensor budget board image device\x0afan telemetry guest board image resume device syscall\x0atelemetry chunk campaign syscall board engine campaign handler\x0arollback payload update payload\x0amanifest sequence sequence publish syscall resume payload\x0achunk campaign latency update manifest chunk device gateway\x0a",
  b"vmfleet/keys/gateway.pub.txt",
  b"0000644\x000001750\x000001750\x0000000000642\x0014524770400\x00016415\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"latency update memory publish memory block sequence\x0abenchmark timer benchmark guest led\x0arollback latency benchmark image\x0aresume memory campaign payload block update\x0atimer budget telemetry resume timer engine\x0astack block chunk signature guest campaign image telemetry\x0asequence engine sequence syscall campaign\x0amemory device syscall sensor benchmark thermostat payload\x0ahandler manifest latency rollback handler campaign\x0a",
  b"vmfleet/VERSION",
  b"0000644\x000001750\x000001750\x0000000000376\x0014524770400\x00013527\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"rollback latency button handler update\x0aflash update telemetry payload\x0aupdate sequence fan memory device payload gateway\x0apublish memory manifest led\x0aguest event stack handler thermostat guest rollback\x0acampaign button update led latency chunk button image\x0a",
  b"vmfleet/NOTICE",
  b"0000644\x000001750\x000001750\x0000000000176\x0014524770400\x00013361\x00 0",
  b"ustar\x0000vmfleet",
  b"vmfleet",
  b"sensor latency update gateway publish button\x0agateway led board telemetry thermostat update\x0athermostat payload sequence button\x0a",
]
# END DATA

archive = bytearray(TAR_ARCHIVE_BYTES)  # its runs of data, zeros between them
for r in range(len(TAR_RUN_OFFSETS)):
    at = TAR_RUN_OFFSETS[r]
    archive[at : at + len(TAR_RUN_BYTES[r])] = TAR_RUN_BYTES[r]


def parse_octal(p, n):
    v = 0
    for i in range(p, p + n):
        ch = archive[i]
        if ch < 48 or ch > 55:
            break
        v = v * 8 + (ch - 48)
    return v


def is_end_block(h):
    for i in range(h, h + BLOCK):
        if archive[i]:
            return False
    return True


def header_valid(h):  # the checksum sums the header with its own field read as spaces
    total = 0
    for i in range(BLOCK):
        total += 32 if CHKSUM_OFFSET <= i < CHKSUM_OFFSET + CHKSUM_BYTES else archive[h + i]
    return total == parse_octal(h + CHKSUM_OFFSET, CHKSUM_BYTES)


def is_regular_file(h):
    return archive[h + TYPE_OFFSET] in (48, 0)


def fnv1a(p, n, hash_hi, hash_lo):  # hash = (hash ^ byte) * 0x01000193, in 16-bit halves
    for i in range(p, p + n):
        lo = hash_lo ^ archive[i]
        # 0x01000193 = 0x0100 << 16 | 0x0193
        product_lo = lo * 0x0193
        hash_hi = (hash_hi * 0x0193 + lo * 0x0100 + (product_lo >> 16)) & 0xFFFF
        hash_lo = product_lo & 0xFFFF
    return hash_hi, hash_lo


def name_is(h, name):  # strncmp(name field, name, NAME_BYTES) == 0
    for i in range(NAME_BYTES):
        want = ord(name[i]) if i < len(name) else 0
        if archive[h + i] != want:
            return False
        if want == 0:
            return True
    return True


def tar_find(name, walk=None):  # the header offset of regular file `name`, or -1
    at = 0
    while at + BLOCK <= len(archive):
        h = at
        if archive[h] == 0 and is_end_block(h):
            break
        if walk is not None and not header_valid(h):
            walk["bad_headers"] += 1
            break
        size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES)
        if walk is not None:
            walk["entries"] += 1
            if is_regular_file(h):
                walk["files"] += 1
        if name is not None and is_regular_file(h) and name_is(h, name):
            return h
        at += BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
    return -1


all_entries = {"entries": 0, "files": 0, "bad_headers": 0}
tar_find(None, all_entries)
field("entries", all_entries["entries"])
field("files", all_entries["files"])

rounds_ok, found, total_bytes = 0, 0, 0
hash_hi, hash_lo = 0, 0
for _ in range(ROUNDS):
    found = total_bytes = 0
    hash_hi, hash_lo = 0x811C, 0x9DC5
    # Queries run last file first, so this hashes the files in reverse archive order.
    for query in TAR_QUERIES:
        h = tar_find(query)
        if h < 0:
            continue
        size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES)
        found += 1
        total_bytes += size
        hash_hi, hash_lo = fnv1a(h + BLOCK, size, hash_hi, hash_lo)
    if found == TAR_QUERIES_PRESENT and total_bytes == TAR_CONTENT_BYTES:
        rounds_ok += 1
field("found", found)
field("bytes", total_bytes)
field("fnv1a (query order)", "%04x%04x" % (hash_hi, hash_lo))

# The generator's hash is over archive order: redo it that way to compare.
a_hi, a_lo = 0x811C, 0x9DC5
for q in range(TAR_QUERIES_PRESENT - 1, -1, -1):
    h = tar_find(TAR_QUERIES[q])
    if h >= 0:
        a_hi, a_lo = fnv1a(h + BLOCK, parse_octal(h + SIZE_OFFSET, SIZE_BYTES), a_hi, a_lo)
field("fnv1a (archive order)", "%04x%04x" % (a_hi, a_lo))

expect(all_entries["bad_headers"] == 0, "a header checksum is wrong")
expect(
    all_entries["entries"] == TAR_ENTRY_COUNT and all_entries["files"] == TAR_FILE_COUNT,
    "entry count",
)
expect(rounds_ok == ROUNDS, "a round found the wrong files")
expect((a_hi << 16 | a_lo) == TAR_CONTENT_FNV1A, "contents differ from the generator's")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
