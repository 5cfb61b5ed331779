-- array (COISA set, after the shootout's "ary3"): y[i] += x[i] over two arrays, many
-- rounds, then copies and compares them. Same algorithm, checks and output as
-- bench/coisa/array.c (memcpy/memcmp become a copy loop and a compare loop).
local N, ROUNDS = 1000, 250
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local x, y, z = {}, {}, {}
for i = 1, N do x[i], y[i] = i, 0 end
for _ = 1, ROUNDS do
  for i = N, 1, -1 do y[i] = y[i] + x[i] end
end
field("y[0]", y[1])
field("y[N-1]", y[N])

local sum = 0
for i = 1, N do sum = (sum + y[i]) & M32 end
field("sum", sum)

local function same(a, b)
  for i = 1, N do if a[i] ~= b[i] then return false end end
  return true
end
for i = 1, N do z[i] = y[i] end
local mid = N // 2 + 1
z[mid] = z[mid] ~ 1
local differs = not same(y, z)
z[mid] = z[mid] ~ 1

expect(y[1] == ROUNDS, "y[0] != ROUNDS")
expect(y[N] == ROUNDS * N, "y[N-1] != ROUNDS * N")
expect(sum == ROUNDS * N * (N + 1) // 2, "sum")
expect(differs and same(y, z), "memcpy/memcmp")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
