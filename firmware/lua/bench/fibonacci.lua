-- fibonacci (COISA set): doubly recursive fib(n), checked against the iterative sum.
-- Same algorithm, checks and output as bench/coisa/fibonacci.c; uint32 wraps with & M32.
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local calls = 0
local function fib_recursive(n)
  calls = calls + 1
  if n < 2 then return n end
  return (fib_recursive(n - 1) + fib_recursive(n - 2)) & M32
end

local function fib_iterative(n)
  local a, b = 0, 1
  for _ = 1, n do a, b = b, (a + b) & M32 end
  return a
end

local r = fib_recursive(25)
field("fib(25) recursive", r)
field("calls", calls)
expect(r == fib_iterative(25), "recursive fib(25) != iterative")
expect(calls == 2 * fib_iterative(26) - 1, "call count")
for n = 40, 46, 3 do write("fib(", n, ") = ", fib_iterative(n), "\n") end
expect(fib_iterative(46) == 1836311903, "fib(46)")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
