# heapsort (COISA set, after the shootout's "heapsort"): sorts N pseudo-random integers
# from the shootout's LCG (integer form). The check: sorted order, and the multiset
# unchanged (sum and xor before and after). Same algorithm and output as
# bench/coisa/heapsort.c. No value reaches 2**30, so no uint32 mask is needed.
N, IM, IA, IC = 5000, 139968, 3877, 29573
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


last = 42


def gen_random():
    global last
    last = (last * IA + IC) % IM
    return last


def heapsort(n, a):
    ir, l = n, (n >> 1) + 1
    while True:
        if l > 1:
            l -= 1
            rra = a[l]
        else:
            rra = a[ir]
            a[ir] = a[1]
            ir -= 1
            if ir == 1:
                a[1] = rra
                return
        i, j = l, l << 1
        while j <= ir:
            if j < ir and a[j] < a[j + 1]:
                j += 1
            if rra < a[j]:
                a[i] = a[j]
                i = j
                j += i
            else:
                j = ir + 1
        a[i] = rra


ra = [0] * (N + 1)  # 1-based, as the classic algorithm
total, xor = 0, 0
for i in range(1, N + 1):
    ra[i] = gen_random()
    total += ra[i]
    xor ^= ra[i]
heapsort(N, ra)

total_after, xor_after, ordered = 0, 0, True
for i in range(1, N + 1):
    total_after += ra[i]
    xor_after ^= ra[i]
    if i > 1 and ra[i - 1] > ra[i]:
        ordered = False
field("min", ra[1])
field("median", ra[N // 2])
field("max", ra[N])
field("sum", "%08x" % total_after)
expect(ordered, "not sorted")
expect(total == total_after and xor == xor_after, "elements changed")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
