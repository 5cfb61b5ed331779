-- md5sum (Embench-like set): MD5 (RFC 1321) of a pseudo-random buffer, ROUNDS times, each
-- round hashing the buffer with the previous digest in front. Checked against the RFC 1321
-- A.5 test suite and against feeding the same bytes in uneven pieces. Same algorithm and
-- output as bench/embench/md5sum.c; uint32 wraps with & M32 (Lua integers are 64-bit).
local BUFFER_BYTES, ROUNDS = 4096, 12
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end

local K = {
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
  0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
  0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
  0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
  0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
  0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
  0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
  0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391,
}
local S = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 }

local function md5_block(state, block)
  local m = {}
  for i = 0, 15 do
    local p = i * 4 + 1
    m[i] = block[p] | block[p + 1] << 8 | block[p + 2] << 16 | block[p + 3] << 24
  end
  local a, b, c, d = state[1], state[2], state[3], state[4]
  for i = 0, 63 do
    local f, g
    local round = i >> 4
    if round == 0 then f, g = (b & c) | (~b & d), i
    elseif round == 1 then f, g = (d & b) | (~d & c), 5 * i + 1
    elseif round == 2 then f, g = b ~ c ~ d, 3 * i + 5
    else f, g = c ~ (b | (~d & M32)), 7 * i end
    local x = (a + (f & M32) + K[i + 1] + m[g & 15]) & M32
    local n = S[round * 4 + (i & 3) + 1]
    a, d, c = d, c, b
    b = (b + ((x << n | x >> (32 - n)) & M32)) & M32
  end
  state[1] = (state[1] + a) & M32
  state[2] = (state[2] + b) & M32
  state[3] = (state[3] + c) & M32
  state[4] = (state[4] + d) & M32
end

local function md5_new()
  return { state = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 }, bytes = 0, block = {} }
end

-- Feeds bytes[from .. from + n - 1].
local function md5_update(h, bytes, from, n)
  local block = h.block
  for i = from, from + n - 1 do
    block[(h.bytes & 63) + 1] = bytes[i]
    h.bytes = h.bytes + 1
    if h.bytes & 63 == 0 then md5_block(h.state, block) end
  end
end

local function md5_final(h)
  local bits_lo, bits_hi = (h.bytes << 3) & M32, h.bytes >> 29
  md5_update(h, { 0x80 }, 1, 1)
  while h.bytes & 63 ~= 56 do md5_update(h, { 0 }, 1, 1) end
  local length = {}
  for i = 0, 3 do
    length[i + 1] = (bits_lo >> (8 * i)) & 0xff
    length[i + 5] = (bits_hi >> (8 * i)) & 0xff
  end
  md5_update(h, length, 1, 8)
  local digest = {}
  for i = 0, 15 do digest[i + 1] = (h.state[i // 4 + 1] >> (8 * (i % 4))) & 0xff end
  return digest
end

local function md5_hex(digest)
  local out = {}
  for i = 1, 16 do out[i] = string.format("%02x", digest[i]) end
  return table.concat(out)
end

local function digest_of(bytes, n, piece)
  local h = md5_new()
  for at = 0, n - 1, piece do md5_update(h, bytes, at + 1, math.min(piece, n - at)) end
  return md5_final(h)
end

-- RFC 1321, A.5 "Test suite".
local vectors = {
  { "", "d41d8cd98f00b204e9800998ecf8427e" },
  { "a", "0cc175b9c0f1b6a831c399e269772661" },
  { "abc", "900150983cd24fb0d6963f7d28e17f72" },
  { "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
  { "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
  { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "d174ab98d277d9f5a5611c2c9f419d9f" },
  { ("1234567890"):rep(8), "57edf4a22be3c955ac49da2e2107b67a" },
}

local vectors_ok = 0
for _, v in ipairs(vectors) do
  local text = v[1]
  if md5_hex(digest_of({ text:byte(1, -1) }, #text, 64)) == v[2] then
    vectors_ok = vectors_ok + 1
  end
end
write("RFC 1321 vectors ok: ", vectors_ok, "\n")

local buffer, seed = {}, 1
for i = 1, BUFFER_BYTES do
  seed = (seed * 1103515245 + 12345) & M32
  buffer[i] = (seed >> 16) & 0xff
end
local digest = {}
for i = 1, 16 do digest[i] = 0 end
for _ = 1, ROUNDS do
  for i = 1, 16 do buffer[i] = digest[i] end
  digest = digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES)
end
write("md5: ", md5_hex(digest), "\n")

for i = 1, 16 do buffer[i] = digest[i] end
digest = digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES)
local again = digest_of(buffer, BUFFER_BYTES, 37)
expect(vectors_ok == #vectors, "RFC 1321 test suite")
expect(md5_hex(digest) == md5_hex(again), "digest depends on update sizes")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
