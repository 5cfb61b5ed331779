-- crc32 (Embench-like set): CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a
-- pseudo-random buffer, table-driven, ROUNDS times with one byte changed per round.
-- Checked against CRC-32("123456789") = 0xCBF43926 and a bit-at-a-time implementation.
-- Same algorithm and output as bench/embench/crc32.c; uint32 wraps with & M32.
local BUFFER_BYTES, ROUNDS, POLY = 4096, 24, 0xedb88320
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field_hex(label, v) write(label, ": ", string.format("%08x", v), "\n") end

local tbl = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = (c & 1 == 1) and (POLY ~ (c >> 1)) or (c >> 1) end
  tbl[i] = c
end

local function crc32_table(bytes, n)
  local c = M32
  for i = 1, n do c = tbl[(c ~ bytes[i]) & 0xff] ~ (c >> 8) end
  return ~c & M32
end

local function crc32_bitwise(bytes, n)
  local c = M32
  for i = 1, n do
    c = c ~ bytes[i]
    for _ = 1, 8 do c = (c >> 1) ~ (POLY & ((0 - (c & 1)) & M32)) end
  end
  return ~c & M32
end

-- Embench's rand_beebs: the ANSI C example LCG, 15 bits per call.
local seed = 0
local function rand_beebs()
  seed = (seed * 1103515245 + 12345) & M32
  return (seed >> 16) & 0x7fff
end

local buffer = {}
for i = 1, BUFFER_BYTES do buffer[i] = rand_beebs() & 0xff end

local text = "123456789"
local check = crc32_table({ text:byte(1, -1) }, #text)
field_hex('crc32("123456789")', check)

local combined, crc = 0, 0
for r = 0, ROUNDS - 1 do
  local at = r * 131 % BUFFER_BYTES + 1
  buffer[at] = buffer[at] ~ ((r + 1) & 0xff)
  crc = crc32_table(buffer, BUFFER_BYTES)
  combined = (((combined << 1) | (combined >> 31)) & M32) ~ crc
end
field_hex("crc32(buffer)", crc)
field_hex("combined", combined)

expect(check == 0xcbf43926, 'check value of "123456789"')
expect(crc == crc32_bitwise(buffer, BUFFER_BYTES), "table != bitwise")
expect(#text == 9, "strlen")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
