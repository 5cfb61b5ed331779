# array (COISA set, after the shootout's "ary3"): y[i] += x[i] over two arrays, many
# rounds, then copies and compares them. Same algorithm, checks and output as
# bench/coisa/array.c (memcpy/memcmp become a list copy and ==). No value reaches 2**31.
N, ROUNDS = 1000, 250
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


x = [i + 1 for i in range(N)]
y = [0] * N
for _ in range(ROUNDS):
    for i in range(N - 1, -1, -1):
        y[i] += x[i]
field("y[0]", y[0])
field("y[N-1]", y[N - 1])

total = 0
for i in range(N):
    total += y[i]
field("sum", total)

z = list(y)
z[N // 2] ^= 1
differs = y != z
z[N // 2] ^= 1

expect(y[0] == ROUNDS, "y[0] != ROUNDS")
expect(y[N - 1] == ROUNDS * N, "y[N-1] != ROUNDS * N")
expect(total == ROUNDS * N * (N + 1) // 2, "sum")
expect(differs and y == z, "memcpy/memcmp")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
