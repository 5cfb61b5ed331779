# matrix (COISA set, after the shootout's "matrix"): 30x30 integer matrix products.
# The four printed entries are the shootout's published answer for size 30. Same
# algorithm, checks and output as bench/coisa/matrix.c; the uint32 trace sum wraps with
# & M32 (entries stay far below 2**30).
SIZE, ROUNDS = 30, 12
M32 = 0xFFFFFFFF
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


def mkmatrix():
    return [[i * SIZE + j + 1 for j in range(SIZE)] for i in range(SIZE)]


def mmult(a, b, c):
    for i in range(SIZE):
        ai, ci = a[i], c[i]
        for j in range(SIZE):
            val = 0
            for k in range(SIZE):
                val += ai[k] * b[k][j]
            ci[j] = val


m1, m2, mm = mkmatrix(), mkmatrix(), mkmatrix()
trace_sum = 0
for r in range(ROUNDS):
    mmult(m1, m2, mm)
    for i in range(SIZE):
        trace_sum = (trace_sum + mm[i][i]) & M32
    m1[r % SIZE][r % SIZE] ^= 1  # vary the input so no round repeats another
# Put the input back and redo the shootout's product for its published answer.
for r in range(ROUNDS):
    m1[r % SIZE][r % SIZE] ^= 1
mmult(m1, m2, mm)

field("mm[0][0]", mm[0][0])
field("mm[2][3]", mm[2][3])
field("mm[3][2]", mm[3][2])
field("mm[4][4]", mm[4][4])
field("trace sum", "%08x" % trace_sum)
expect(mm[0][0] == 270165 and mm[2][3] == 1061760, "mm[0][0] or mm[2][3]")
expect(mm[3][2] == 1453695 and mm[4][4] == 1856025, "mm[3][2] or mm[4][4]")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
