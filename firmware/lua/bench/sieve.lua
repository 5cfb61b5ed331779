-- sieve (COISA set): the Sieve of Eratosthenes over 2..8192, 60 rounds, checked against
-- trial division. Same algorithm, checks and output as bench/coisa/sieve.c.
local LIMIT, ROUNDS = 8192, 60
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local flags = {}
local function sieve()
  local count, total = 0, 0
  for i = 0, LIMIT do flags[i] = true end
  for i = 2, LIMIT do
    if flags[i] then
      for k = i + i, LIMIT, i do flags[k] = false end
      count = count + 1
      total = total + i
    end
  end
  return count, total
end

local function is_prime(n)
  if n < 2 then return false end
  local d = 2
  while d * d <= n do
    if n % d == 0 then return false end
    d = d + 1
  end
  return true
end

local count, sum, rounds_ok = 0, 0, 0
for _ = 1, ROUNDS do
  count, sum = sieve()
  if count == 1028 then rounds_ok = rounds_ok + 1 end
end
local td_count, td_sum = 0, 0
for n = 2, LIMIT do
  if is_prime(n) then td_count, td_sum = td_count + 1, td_sum + n end
end
field("primes", count)
field("sum", sum)
expect(rounds_ok == ROUNDS, "a round did not find 1028 primes")
expect(count == td_count and sum == td_sum, "sieve != trial division")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
