# lists (COISA set, after the shootout's "lists"): doubly linked lists of a static node
# pool (no allocation): build 1..SIZE, copy it, move the copy head-to-tail into a third
# list and back tail-to-tail (which reverses it), reverse the original, compare. Same
# algorithm, checks and output as bench/coisa/lists.c; the pool is three parallel lists.
SIZE, ROUNDS, LISTS = 1000, 40, 3
POOL = 2 * SIZE + LISTS
NIL = 0xFFFF
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


value = [0] * POOL
nxt = [i + 1 if i + 1 < POOL else NIL for i in range(POOL)]
prev = [0] * POOL
free_head = 0


def node_alloc(v):
    global free_head
    n = free_head
    if n == NIL:
        return NIL
    free_head = nxt[n]
    value[n] = v
    return n


def node_free(n):
    global free_head
    nxt[n] = free_head
    free_head = n


def list_new():  # a list is its sentinel: a circular ring through it
    s = node_alloc(0)
    nxt[s] = prev[s] = s
    return s


def link_before(at, n):
    p = prev[at]
    prev[n] = p
    nxt[n] = at
    nxt[p] = n
    prev[at] = n


def unlink_node(n):
    nxt[prev[n]] = nxt[n]
    prev[nxt[n]] = prev[n]
    return n


def list_length(s):
    length, n = 0, nxt[s]
    while n != s:
        length, n = length + 1, nxt[n]
    return length


def list_reverse(s):
    n = s
    while True:
        t = nxt[n]
        nxt[n], prev[n] = prev[n], t
        n = t
        if n == s:
            return


def list_equal(a, b):
    x, y = nxt[a], nxt[b]
    while x != a and y != b:
        if value[x] != value[y]:
            return False
        x, y = nxt[x], nxt[y]
    return x == a and y == b


def list_free(s):
    while nxt[s] != s:
        node_free(unlink_node(nxt[s]))
    node_free(s)


def test_lists():  # one round of the shootout test; the length of the compared lists
    l1 = list_new()
    for i in range(1, SIZE + 1):
        link_before(l1, node_alloc(i))
    l2 = list_new()
    n = nxt[l1]
    while n != l1:
        link_before(l2, node_alloc(value[n]))
        n = nxt[n]
    l3 = list_new()
    while nxt[l2] != l2:
        link_before(l3, unlink_node(nxt[l2]))
    while nxt[l3] != l3:
        link_before(l2, unlink_node(prev[l3]))
    list_reverse(l1)
    length = -1
    if value[nxt[l1]] == SIZE and list_equal(l1, l2):
        length = list_length(l1)
    list_free(l1)
    list_free(l2)
    list_free(l3)
    return length


length = 0
for _ in range(ROUNDS):
    length = test_lists()
    if length != SIZE:
        break
field("length", length)
free_nodes, n = 0, free_head
while n != NIL:
    free_nodes, n = free_nodes + 1, nxt[n]
field("free nodes", free_nodes)
expect(length == SIZE, "reversed list differs from the moved copy")
expect(free_nodes == POOL, "pool leaked nodes")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
