-- ud (Embench-like set): LU decomposition with row pivoting and a linear solve on a
-- diagonally heavy 20x20 matrix, exact in the prime field GF(65521): division is
-- multiplication by a modular inverse (extended Euclid). Each round solves A x = b for a
-- known x; the first also checks that L U reproduces the row-permuted A. Same algorithm
-- and output as bench/embench/ud.c (0-based indices kept, as tables from 0).
local N, P, ROUNDS = 20, 65521, 100
local M32 = 0xFFFFFFFF
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local function mul_mod(u, v) return u * v % P end
local function add_mod(u, v) return (u + v) % P end
local function sub_mod(u, v) return (u + P - v) % P end

local function inv_mod(v)
  local t, new_t, r, new_r = 0, 1, P, v
  while new_r ~= 0 do
    local q = r // new_r
    t, new_t = new_t, t - q * new_t
    r, new_r = new_r, r - q * new_r
  end
  return t < 0 and t + P or t
end

local a, lu, b, x, perm = {}, {}, {}, {}, {}
for i = 0, N - 1 do a[i], lu[i] = {}, {} end

-- Malardalen ud's matrix, with the diagonal shifted by the round so no two repeat.
local function make_system(round)
  for i = 0, N - 1 do
    local sum = 0
    for j = 0, N - 1 do
      local v = (i + 1) + (j + 1)
      if i == j then v = v * 10 + round end
      a[i][j] = v
      sum = add_mod(sum, mul_mod(v, j + 1)) -- b = A x for x = 1, 2, ..., N
    end
    b[i] = sum
  end
end

-- In-place Doolittle LU of lu = P A; returns the determinant of A, or 0 if singular.
local function decompose()
  local det = 1
  for i = 0, N - 1 do
    perm[i] = i
    for j = 0, N - 1 do lu[i][j] = a[i][j] end
  end
  for k = 0, N - 1 do
    local p = k
    while p < N and lu[p][k] == 0 do p = p + 1 end
    if p == N then return 0 end
    if p ~= k then
      lu[k], lu[p] = lu[p], lu[k]
      perm[k], perm[p] = perm[p], perm[k]
      det = sub_mod(0, det)
    end
    local row_k = lu[k]
    det = mul_mod(det, row_k[k])
    local inv = inv_mod(row_k[k])
    for i = k + 1, N - 1 do
      local row_i = lu[i]
      local l = mul_mod(row_i[k], inv)
      row_i[k] = l
      for j = k + 1, N - 1 do row_i[j] = sub_mod(row_i[j], mul_mod(l, row_k[j])) end
    end
  end
  return det
end

-- Solves L U x = P b.
local function solve()
  for i = 0, N - 1 do
    local s = b[perm[i]]
    for j = 0, i - 1 do s = sub_mod(s, mul_mod(lu[i][j], x[j])) end
    x[i] = s
  end
  for i = N - 1, 0, -1 do
    local s = x[i]
    for j = i + 1, N - 1 do s = sub_mod(s, mul_mod(lu[i][j], x[j])) end
    x[i] = mul_mod(s, inv_mod(lu[i][i]))
  end
end

-- (L U)[i][j] == A[perm[i]][j] for all i, j.
local function factors_reproduce_a()
  for i = 0, N - 1 do
    for j = 0, N - 1 do
      local s = 0
      for k = 0, math.min(i, j) do
        local l = k == i and 1 or lu[i][k]
        s = add_mod(s, mul_mod(l, lu[k][j]))
      end
      if s ~= a[perm[i]][j] then return false end
    end
  end
  return true
end

local solved, det_hash, first_det, det, factors_ok = 0, 0, 0, 0, false
for r = 0, ROUNDS - 1 do
  make_system(r)
  det = decompose()
  if r == 0 then first_det, factors_ok = det, factors_reproduce_a() end
  if det ~= 0 then
    solve()
    local ok = 1
    for i = 0, N - 1 do if x[i] ~= i + 1 then ok = 0 end end
    solved = solved + ok
    det_hash = ((det_hash * 31 + det) & M32) ~ (det_hash >> 7)
  end
end
field("det(A0) mod 65521", first_det)
field("det(A99) mod 65521", det)
field("det hash", string.format("%08x", det_hash))
field("systems solved", solved)
expect(factors_ok, "L U != P A")
expect(solved == ROUNDS, "a solution differs from the known x")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
