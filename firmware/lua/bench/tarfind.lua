-- tarfind (Embench-like set): looks files up by name in a ustar archive built into the
-- program, as a device would find a file in a bundle it received. A first walk validates
-- every header checksum; then each round runs every query: walk the headers, compare
-- names, hash the contents of what is found. Same algorithm, checks and output as
-- bench/embench/tarfind.c; the archive is a byte string, offsets are 0-based.
local ROUNDS, BLOCK = 100, 512
local NAME_BYTES, SIZE_OFFSET, SIZE_BYTES = 100, 124, 12
local CHKSUM_OFFSET, CHKSUM_BYTES, TYPE_OFFSET = 148, 8, 156
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end
local function field_hex(label, v) write(label, ": ", string.format("%08x", v), "\n") end

-- BEGIN DATA (firmware/tools/gen-script-data.ts, from bench/embench/tarfind*.h)
local TAR_ENTRY_COUNT = 21
local TAR_FILE_COUNT = 16
local TAR_CONTENT_BYTES = 4460
local TAR_CONTENT_FNV1A = 0x7e2620e6
local TAR_QUERIES_PRESENT = 16
local TAR_QUERIES = { [0] = "vmfleet/NOTICE", "vmfleet/VERSION", "vmfleet/keys/gateway.pub.txt", "vmfleet/manifest.cbor.txt", "vmfleet/logs/faults.log", "vmfleet/logs/events.log", "vmfleet/logs/ota.log", "vmfleet/logs/boot.log", "vmfleet/config/limits.conf", "vmfleet/config/sensors.conf", "vmfleet/config/network.conf", "vmfleet/config/board.conf", "vmfleet/apps/button-counter.txt", "vmfleet/apps/thermostat.txt", "vmfleet/apps/blink.txt", "vmfleet/README",
  "vmfleet/apps/missing.txt", "vmfleet/config", "README", "vmfleet/logs/boot.lo" }
local TAR_ARCHIVE_BYTES = 19968
local TAR_RUN_OFFSETS = { [0] = 0, 100, 257, 297, 512, 612, 769, 809, 1024, 1124, 1281, 1321, 1536, 1636, 1793, 1833,
  2048, 2148, 2305, 2345, 2560, 2660, 2817, 2857, 3072, 3584, 3684, 3841, 3881, 4096, 4608, 4708,
  4865, 4905, 5120, 5632, 5732, 5889, 5929, 6144, 6656, 6756, 6913, 6953, 7168, 7680, 7780, 7937,
  7977, 8192, 8704, 8804, 8961, 9001, 9216, 9728, 9828, 9985, 10025, 10240, 10752, 10852, 11009, 11049,
  11264, 11776, 11876, 12033, 12073, 12288, 12800, 12900, 13057, 13097, 13312, 13824, 13924, 14081, 14121, 14336,
  14848, 14948, 15105, 15145, 15360, 15872, 15972, 16129, 16169, 16384, 16896, 16996, 17153, 17193, 17408, 17920,
  18020, 18177, 18217, 18432 }
local TAR_RUN_BYTES = { [0] =
  "vmfleet/",
  "0000755\0000001750\0000001750\00000000000000\00014524770400\000012451\000 5",
  "ustar\00000vmfleet",
  "vmfleet",
  "vmfleet/apps/",
  "0000755\0000001750\0000001750\00000000000000\00014524770400\000013414\000 5",
  "ustar\00000vmfleet",
  "vmfleet",
  "vmfleet/config/",
  "0000755\0000001750\0000001750\00000000000000\00014524770400\000013716\000 5",
  "ustar\00000vmfleet",
  "vmfleet",
  "vmfleet/keys/",
  "0000755\0000001750\0000001750\00000000000000\00014524770400\000013424\000 5",
  "ustar\00000vmfleet",
  "vmfleet",
  "vmfleet/logs/",
  "0000755\0000001750\0000001750\00000000000000\00014524770400\000013415\000 5",
  "ustar\00000vmfleet",
  "vmfleet",
  "vmfleet/README",
  "0000644\0000001750\0000001750\00000000000256\00014524770400\000013334\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "guest budget update gateway board led telemetry\010handler image manifest flash fan led\010telemetry payload sensor sensor latency benchmark\010memory stack block flash block led led\010",
  "vmfleet/apps/blink.txt",
  "0000644\0000001750\0000001750\00000000000725\00014524770400\000015260\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "board fan stack thermostat guest publish button chunk\010latency budget resume thermostat\010telemetry fan guest publish\010image block resume sequence event publish\010chunk manifest rollback resume image board engine manifest\010sequence guest manifest campaign handler stack signature\010fan publish latency\010gateway handler event device update flash handler flash\010fan button image publish manifest gateway stack\010sequence latency engine update update\010stack sequence publish thermostat\010",
  "vmfleet/apps/thermostat.txt",
  "0000644\0000001750\0000001750\00000000000427\00014524770400\000016352\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "budget handler board timer manifest payload handler\010engine payload telemetry guest event led device timer\010resume latency led\010gateway thermostat timer update resume guest guest sequence\010update benchmark rollback budget campaign image\010guest chunk telemetry\010telemetry gateway image\010",
  "vmfleet/apps/button-counter.txt",
  "0000644\0000001750\0000001750\00000000000533\00014524770400\000017146\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "manifest telemetry telemetry\010memory button engine fan device block timer\010benchmark gateway latency sequence payload block led\010image block thermostat latency thermostat update\010button telemetry led board benchmark\010update board handler device button button\010image syscall handler syscall handler signature\010image block button manifest resume telemetry\010",
  "vmfleet/config/board.conf",
  "0000644\0000001750\0000001750\00000000000461\00014524770400\000015655\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "timer gateway signature device\010image board resume\010publish manifest publish publish timer chunk\010manifest memory button manifest device timer sequence board\010campaign sequence gateway\010engine rollback signature syscall led campaign rollback\010block telemetry publish publish\010memory block gateway event rollback\010",
  "vmfleet/config/network.conf",
  "0000644\0000001750\0000001750\00000000000334\00014524770400\000016256\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "thermostat timer manifest flash flash thermostat\010sequence resume guest block stack led campaign\010manifest stack sensor thermostat gateway benchmark\010thermostat benchmark manifest\010flash syscall handler budget engine sensor\010",
  "vmfleet/config/sensors.conf",
  "0000644\0000001750\0000001750\00000000000613\00014524770400\000016261\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "thermostat flash timer fan publish guest\010manifest stack latency update board flash led\010chunk sensor update sequence engine manifest latency memory\010memory flash timer handler syscall\010rollback thermostat chunk chunk sensor\010telemetry timer memory telemetry resume campaign sequence\010publish button rollback image block resume\010guest budget fan campaign event sequence\010signature resume memory syscall\010",
  "vmfleet/config/limits.conf",
  "0000644\0000001750\0000001750\00000000000212\00014524770400\000016061\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "button button benchmark handler button stack\010chunk timer budget\010chunk board budget campaign gateway event\010board button image device event\010",
  "vmfleet/logs/boot.log",
  "0000644\0000001750\0000001750\00000000000401\00014524770400\000015056\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "device signature rollback fan manifest\010resume resume sensor engine resume\010guest budget publish\010rollback sensor timer payload manifest gateway sensor budget\010button signature publish block button sensor sequence\010thermostat block resume thermostat image image\010",
  "vmfleet/logs/ota.log",
  "0000644\0000001750\0000001750\00000000000662\00014524770400\000014707\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "telemetry device button rollback signature manifest\010rollback led syscall resume sequence benchmark engine\010update telemetry rollback publish\010stack handler handler\010flash event block block timer\010block sensor latency manifest image budget\010fan board latency chunk update\010thermostat sequence thermostat device resume update handler thermostat\010telemetry sequence payload sensor\010payload payload event memory engine\010image guest resume latency\010",
  "vmfleet/logs/events.log",
  "0000644\0000001750\0000001750\00000000000146\00014524770400\000015425\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "payload flash device latency gateway sensor\010chunk budget device device syscall resume publish publish\010",
  "vmfleet/logs/faults.log",
  "0000644\0000001750\0000001750\00000000000240\00014524770400\000015412\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "publish signature board manifest syscall device resume handler\010campaign event syscall publish\010block signature budget guest timer\010engine manifest publish update\010",
  "vmfleet/manifest.cbor.txt",
  "0000644\0000001750\0000001750\00000000000576\00014524770400\000015754\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "stack guest timer guest stack\010payload campaign sensor fan campaign\010block manifest sensor budget board image device\010fan telemetry guest board image resume device syscall\010telemetry chunk campaign syscall board engine campaign handler\010rollback payload update payload\010manifest sequence sequence publish syscall resume payload\010chunk campaign latency update manifest chunk device gateway\010",
  "vmfleet/keys/gateway.pub.txt",
  "0000644\0000001750\0000001750\00000000000642\00014524770400\000016415\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "latency update memory publish memory block sequence\010benchmark timer benchmark guest led\010rollback latency benchmark image\010resume memory campaign payload block update\010timer budget telemetry resume timer engine\010stack block chunk signature guest campaign image telemetry\010sequence engine sequence syscall campaign\010memory device syscall sensor benchmark thermostat payload\010handler manifest latency rollback handler campaign\010",
  "vmfleet/VERSION",
  "0000644\0000001750\0000001750\00000000000376\00014524770400\000013527\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "rollback latency button handler update\010flash update telemetry payload\010update sequence fan memory device payload gateway\010publish memory manifest led\010guest event stack handler thermostat guest rollback\010campaign button update led latency chunk button image\010",
  "vmfleet/NOTICE",
  "0000644\0000001750\0000001750\00000000000176\00014524770400\000013361\000 0",
  "ustar\00000vmfleet",
  "vmfleet",
  "sensor latency update gateway publish button\010gateway led board telemetry thermostat update\010thermostat payload sequence button\010",
}
-- END DATA

-- The archive: its runs of data, zeros between them.
local pieces, filled = {}, 0
for r = 0, #TAR_RUN_OFFSETS do
  pieces[#pieces + 1] = string.rep("\0", TAR_RUN_OFFSETS[r] - filled)
  pieces[#pieces + 1] = TAR_RUN_BYTES[r]
  filled = TAR_RUN_OFFSETS[r] + #TAR_RUN_BYTES[r]
end
pieces[#pieces + 1] = string.rep("\0", TAR_ARCHIVE_BYTES - filled)
local TAR_ARCHIVE = table.concat(pieces)
pieces = nil

local byte = string.byte
local ARCHIVE_BYTES = #TAR_ARCHIVE
local function at(i) return byte(TAR_ARCHIVE, i + 1) end

local function parse_octal(p, n)
  local v = 0
  for i = p, p + n - 1 do
    local ch = at(i)
    if ch < 48 or ch > 55 then break end
    v = v * 8 + (ch - 48)
  end
  return v
end

local function is_end_block(h)
  for i = h, h + BLOCK - 1 do if at(i) ~= 0 then return false end end
  return true
end

-- The checksum sums the header with its own field read as spaces.
local function header_valid(h)
  local sum = 0
  for i = 0, BLOCK - 1 do
    if i >= CHKSUM_OFFSET and i < CHKSUM_OFFSET + CHKSUM_BYTES then sum = sum + 32
    else sum = sum + at(h + i) end
  end
  return sum == parse_octal(h + CHKSUM_OFFSET, CHKSUM_BYTES)
end

local function is_regular_file(h)
  local t = at(h + TYPE_OFFSET)
  return t == 48 or t == 0
end

local function fnv1a(p, n, hash)
  for i = p, p + n - 1 do hash = ((hash ~ at(i)) * 0x01000193) & M32 end
  return hash
end

-- strncmp(name field, name, NAME_BYTES) == 0
local function name_is(h, name)
  local len = #name
  for i = 0, NAME_BYTES - 1 do
    local want = i < len and byte(name, i + 1) or 0
    if at(h + i) ~= want then return false end
    if want == 0 then return true end
  end
  return true
end

-- The header offset of regular file `name`, or nil; with `w`, validates and counts.
local function tar_find(name, w)
  local pos = 0
  while pos + BLOCK <= ARCHIVE_BYTES do
    local h = pos
    if at(h) == 0 and is_end_block(h) then break end
    if w and not header_valid(h) then
      w.bad_headers = w.bad_headers + 1
      break
    end
    local size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES)
    if w then
      w.entries = w.entries + 1
      if is_regular_file(h) then w.files = w.files + 1 end
    end
    if name and is_regular_file(h) and name_is(h, name) then return h end
    pos = pos + BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
  end
  return nil
end

local all = { entries = 0, files = 0, bad_headers = 0 }
tar_find(nil, all)
field("entries", all.entries)
field("files", all.files)

local rounds_ok, found, bytes, hash = 0, 0, 0, 0
for _ = 1, ROUNDS do
  found, bytes, hash = 0, 0, 0x811c9dc5
  -- Queries run last file first, so this hashes the files in reverse archive order.
  for q = 0, #TAR_QUERIES do
    local h = tar_find(TAR_QUERIES[q])
    if h then
      local size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES)
      found, bytes = found + 1, bytes + size
      hash = fnv1a(h + BLOCK, size, hash)
    end
  end
  if found == TAR_QUERIES_PRESENT and bytes == TAR_CONTENT_BYTES then rounds_ok = rounds_ok + 1 end
end
field("found", found)
field("bytes", bytes)
field_hex("fnv1a (query order)", hash)

-- The generator's hash is over archive order: redo it that way to compare.
local archive_hash = 0x811c9dc5
for q = TAR_QUERIES_PRESENT - 1, 0, -1 do
  local h = tar_find(TAR_QUERIES[q])
  if h then archive_hash = fnv1a(h + BLOCK, parse_octal(h + SIZE_OFFSET, SIZE_BYTES), archive_hash) end
end
field_hex("fnv1a (archive order)", archive_hash)

expect(all.bad_headers == 0, "a header checksum is wrong")
expect(all.entries == TAR_ENTRY_COUNT and all.files == TAR_FILE_COUNT, "entry count")
expect(rounds_ok == ROUNDS, "a round found the wrong files")
expect(archive_hash == TAR_CONTENT_FNV1A, "contents differ from the generator's")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
