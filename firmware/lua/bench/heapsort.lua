-- heapsort (COISA set, after the shootout's "heapsort"): sorts N pseudo-random integers
-- from the shootout's LCG (integer form). The check: sorted order, and the multiset
-- unchanged (sum and xor before and after). Same algorithm and output as
-- bench/coisa/heapsort.c.
local N, IM, IA, IC = 5000, 139968, 3877, 29573
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local last = 42
local function gen_random()
  last = (last * IA + IC) % IM
  return last
end

local function heapsort(n, a)
  local ir, l = n, (n >> 1) + 1
  while true do
    local rra
    if l > 1 then
      l = l - 1
      rra = a[l]
    else
      rra = a[ir]
      a[ir] = a[1]
      ir = ir - 1
      if ir == 1 then
        a[1] = rra
        return
      end
    end
    local i, j = l, l << 1
    while j <= ir do
      if j < ir and a[j] < a[j + 1] then j = j + 1 end
      if rra < a[j] then
        a[i] = a[j]
        i = j
        j = j + i
      else
        j = ir + 1
      end
    end
    a[i] = rra
  end
end

local ra = {}
local sum, xor = 0, 0
for i = 1, N do
  ra[i] = gen_random()
  sum = (sum + ra[i]) & M32
  xor = xor ~ ra[i]
end
heapsort(N, ra)

local sum_after, xor_after, ordered = 0, 0, true
for i = 1, N do
  sum_after = (sum_after + ra[i]) & M32
  xor_after = xor_after ~ ra[i]
  if i > 1 and ra[i - 1] > ra[i] then ordered = false end
end
field("min", ra[1])
field("median", ra[N // 2])
field("max", ra[N])
field("sum", string.format("%08x", sum_after))
expect(ordered, "not sorted")
expect(sum == sum_after and xor == xor_after, "elements changed")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
