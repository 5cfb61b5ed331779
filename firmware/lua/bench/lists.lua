-- lists (COISA set, after the shootout's "lists"): doubly linked lists of a static node
-- pool (no allocation): build 1..SIZE, copy it, move the copy head-to-tail into a third
-- list and back tail-to-tail (which reverses it), reverse the original, compare. Same
-- algorithm, checks and output as bench/coisa/lists.c; the pool is three parallel arrays.
local SIZE, ROUNDS, LISTS = 1000, 40, 3
local POOL = 2 * SIZE + LISTS
local NIL = 0xffff
local failure
local function expect(ok, what) if not ok and not failure then failure = what end end
local function field(label, v) write(label, ": ", v, "\n") end

local value, next_, prev = {}, {}, {}
local free_head = 0
for i = 0, POOL - 1 do
  value[i], prev[i] = 0, 0
  next_[i] = i + 1 < POOL and i + 1 or NIL
end

local function node_alloc(v)
  local n = free_head
  if n == NIL then return NIL end
  free_head = next_[n]
  value[n] = v
  return n
end

local function node_free(n)
  next_[n] = free_head
  free_head = n
end

-- A list is its sentinel: a circular ring through it.
local function list_new()
  local s = node_alloc(0)
  next_[s], prev[s] = s, s
  return s
end

local function link_before(at, n)
  local p = prev[at]
  prev[n], next_[n] = p, at
  next_[p] = n
  prev[at] = n
end

local function unlink_node(n)
  next_[prev[n]] = next_[n]
  prev[next_[n]] = prev[n]
  return n
end

local function list_length(s)
  local len, n = 0, next_[s]
  while n ~= s do len, n = len + 1, next_[n] end
  return len
end

local function list_reverse(s)
  local n = s
  repeat
    local t = next_[n]
    next_[n], prev[n] = prev[n], t
    n = t
  until n == s
end

local function list_equal(a, b)
  local x, y = next_[a], next_[b]
  while x ~= a and y ~= b do
    if value[x] ~= value[y] then return false end
    x, y = next_[x], next_[y]
  end
  return x == a and y == b
end

local function list_free(s)
  while next_[s] ~= s do node_free(unlink_node(next_[s])) end
  node_free(s)
end

-- One round of the shootout test; returns the length of the compared lists.
local function test_lists()
  local l1 = list_new()
  for i = 1, SIZE do link_before(l1, node_alloc(i)) end
  local l2 = list_new()
  local n = next_[l1]
  while n ~= l1 do
    link_before(l2, node_alloc(value[n]))
    n = next_[n]
  end
  local l3 = list_new()
  while next_[l2] ~= l2 do link_before(l3, unlink_node(next_[l2])) end
  while next_[l3] ~= l3 do link_before(l2, unlink_node(prev[l3])) end
  list_reverse(l1)
  local len = -1
  if value[next_[l1]] == SIZE and list_equal(l1, l2) then len = list_length(l1) end
  list_free(l1)
  list_free(l2)
  list_free(l3)
  return len
end

local len = 0
for _ = 1, ROUNDS do
  len = test_lists()
  if len ~= SIZE then break end
end
field("length", len)
local free_nodes, n = 0, free_head
while n ~= NIL do free_nodes, n = free_nodes + 1, next_[n] end
field("free nodes", free_nodes)
expect(len == SIZE, "reversed list differs from the moved copy")
expect(free_nodes == POOL, "pool leaked nodes")
if failure then write("check: FAIL ", failure, "\n") return 1 end
write("check: ok\n")
return 0
