# random (COISA set, after the shootout's "random"): the shootout's LCG in integer form
# and a xorshift32 generator, stepped STEPS times each. The self-check recomputes both
# end states by jumping ahead: the LCG as a power of its affine map mod IM, xorshift32 as
# a power of its 32x32 matrix over GF(2). Same algorithm and output as
# bench/coisa/random.c. MicroPython's small ints have 31 bits, so xorshift32 keeps its
# state as two 16-bit halves: every step stays in small ints (no big-int garbage).
STEPS, IM, IA, IC, BUCKETS = 250000, 139968, 3877, 29573, 10
M16 = 0xFFFF
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


def mulmod(a, b):  # a * b mod IM without 64-bit arithmetic, as the C version
    return ((a * (b >> 9)) % IM * 512 + a * (b & 511)) % IM


def affine_compose(f, g):
    return (mulmod(f[0], g[0]), (mulmod(f[0], g[1]) + f[1]) % IM)


def lcg_jump(seed, steps):
    result, base = (1, 0), (IA, IC)
    while steps:
        if steps & 1:
            result = affine_compose(base, result)
        base = affine_compose(base, base)
        steps >>= 1
    return (mulmod(result[0], seed) + result[1]) % IM


def xorshift32(hi, lo):  # x ^= x << 13; x ^= x >> 17; x ^= x << 5, on 16-bit halves
    hi ^= ((hi << 13) | (lo >> 3)) & M16
    lo ^= (lo << 13) & M16
    lo ^= hi >> 1
    hi ^= ((hi << 5) | (lo >> 11)) & M16
    lo ^= (lo << 5) & M16
    return hi, lo


def xorshift32_word(x):
    hi, lo = xorshift32(x >> 16, x & M16)
    return (hi << 16) | lo


def gf2_apply(m, v):  # a linear map on GF(2)^32 as its 32 columns
    out, i = 0, 0
    while v:
        if v & 1:
            out ^= m[i]
        i, v = i + 1, v >> 1
    return out


def gf2_compose(a, b):
    return [gf2_apply(a, col) for col in b]


def xorshift_jump(seed, steps):
    result = [1 << i for i in range(32)]
    base = [xorshift32_word(1 << i) for i in range(32)]
    while steps:
        if steps & 1:
            result = gf2_compose(base, result)
        base = gf2_compose(base, base)
        steps >>= 1
    return gf2_apply(result, seed)


last, bucket = 42, [0] * BUCKETS
for _ in range(STEPS):
    last = (last * IA + IC) % IM
    bucket[100 * last // IM // BUCKETS] += 1  # gen_random(100), tenths
field("lcg last", last)
field("gen_random(100)", 100 * last // IM)
total, lopsided = 0, False
line = "buckets:"
for i in range(BUCKETS):
    line += " " + str(bucket[i])
    total += bucket[i]
    off = bucket[i] - STEPS // BUCKETS
    if off > STEPS // 200 or off < -(STEPS // 200):
        lopsided = True  # beyond 5% of a bucket
print(line)

SEED = 2463534242
hi, lo = SEED >> 16, SEED & M16
for _ in range(STEPS):
    hi, lo = xorshift32(hi, lo)
x = (hi << 16) | lo
field("xorshift32", "%08x" % x)

expect(total == STEPS, "bucket counts do not add up")
expect(not lopsided, "LCG buckets uneven")
expect(last == lcg_jump(42, STEPS), "LCG state != jump-ahead")
expect(x == xorshift_jump(SEED, STEPS), "xorshift32 state != GF(2) jump-ahead")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
