-- ackermann (COISA set): the Ackermann-Peter function, deep non-tail recursion.
-- ack(3, n) = 2^(n+3) - 3 and ack(2, n) = 2n + 3 give the self-check. Same algorithm,
-- checks and output as bench/coisa/ackermann.c.
local MAX_N = 6
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local calls = 0
local function ack(m, n)
  calls = calls + 1
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end

for n = 0, MAX_N do
  local two = ack(2, n)
  local three = ack(3, n)
  write("ack(3,", n, ") = ", three, "\n")
  expect(two == 2 * n + 3, "ack(2,n) != 2n+3")
  expect(three == (1 << (n + 3)) - 3, "ack(3,n) != 2^(n+3)-3")
end
field("calls", calls)
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
