-- random (COISA set, after the shootout's "random"): the shootout's LCG in integer form
-- and a xorshift32 generator, stepped STEPS times each. The self-check recomputes both
-- end states by jumping ahead: the LCG as a power of its affine map mod IM, xorshift32 as
-- a power of its 32x32 matrix over GF(2). Same algorithm and output as
-- bench/coisa/random.c; uint32 wraps with & M32 (Lua integers are 64-bit).
local STEPS, IM, IA, IC, BUCKETS = 250000, 139968, 3877, 29573, 10
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

-- a * b mod IM without 64-bit arithmetic, as the C version: a, b < IM < 2^18.
local function mulmod(a, b)
  return ((a * (b >> 9)) % IM * 512 + a * (b & 511)) % IM
end

local function affine_compose(f, g)
  return { a = mulmod(f.a, g.a), c = (mulmod(f.a, g.c) + f.c) % IM }
end

local function lcg_jump(seed, steps)
  local result, base = { a = 1, c = 0 }, { a = IA, c = IC }
  while steps ~= 0 do
    if steps & 1 == 1 then result = affine_compose(base, result) end
    base = affine_compose(base, base)
    steps = steps >> 1
  end
  return (mulmod(result.a, seed) + result.c) % IM
end

local function xorshift32(x)
  x = x ~ ((x << 13) & M32)
  x = x ~ (x >> 17)
  return x ~ ((x << 5) & M32)
end

-- A linear map on GF(2)^32 as its 32 columns: col[i] is the image of bit i.
local function gf2_apply(m, v)
  local out, i = 0, 0
  while v ~= 0 do
    if v & 1 == 1 then out = out ~ m[i] end
    i, v = i + 1, v >> 1
  end
  return out
end

local function gf2_compose(a, b)
  local out = {}
  for i = 0, 31 do out[i] = gf2_apply(a, b[i]) end
  return out
end

local function xorshift_jump(seed, steps)
  local result, base = {}, {}
  for i = 0, 31 do
    result[i] = 1 << i
    base[i] = xorshift32(1 << i)
  end
  while steps ~= 0 do
    if steps & 1 == 1 then result = gf2_compose(base, result) end
    base = gf2_compose(base, base)
    steps = steps >> 1
  end
  return gf2_apply(result, seed)
end

local last, bucket = 42, {}
for i = 0, BUCKETS - 1 do bucket[i] = 0 end
for _ = 1, STEPS do
  last = (last * IA + IC) % IM
  local b = 100 * last // IM // BUCKETS -- gen_random(100), tenths
  bucket[b] = bucket[b] + 1
end
field("lcg last", last)
field("gen_random(100)", 100 * last // IM)
local total, lopsided = 0, false
write("buckets:")
for i = 0, BUCKETS - 1 do
  write(" ", bucket[i])
  total = total + bucket[i]
  local off = bucket[i] - STEPS // BUCKETS
  if off > STEPS // 200 or off < -(STEPS // 200) then lopsided = true end -- beyond 5%
end
write("\n")

local x = 2463534242
for _ = 1, STEPS do x = xorshift32(x) end
field("xorshift32", string.format("%08x", x))

expect(total == STEPS, "bucket counts do not add up")
expect(not lopsided, "LCG buckets uneven")
expect(last == lcg_jump(42, STEPS), "LCG state != jump-ahead")
expect(x == xorshift_jump(2463534242, STEPS), "xorshift32 state != GF(2) jump-ahead")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
