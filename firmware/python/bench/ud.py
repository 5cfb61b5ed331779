# ud (Embench-like set): LU decomposition with row pivoting and a linear solve on a
# diagonally heavy 20x20 matrix, exact in the prime field GF(65521): division is
# multiplication by a modular inverse (extended Euclid). Each round solves A x = b for a
# known x; the first also checks that L U reproduces the row-permuted A. Same algorithm
# and output as bench/embench/ud.c.
N, P, ROUNDS = 20, 65521, 100
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


def inv_mod(v):
    t, new_t, r, new_r = 0, 1, P, v
    while new_r:
        q = r // new_r
        t, new_t = new_t, t - q * new_t
        r, new_r = new_r, r - q * new_r
    return t + P if t < 0 else t


a = [[0] * N for _ in range(N)]
lu = [[0] * N for _ in range(N)]
b, x, perm = [0] * N, [0] * N, [0] * N


def make_system(rnd):  # Malardalen ud's matrix, the diagonal shifted by the round
    for i in range(N):
        total = 0
        for j in range(N):
            v = (i + 1) + (j + 1)
            if i == j:
                v = v * 10 + rnd
            a[i][j] = v
            total = (total + v * (j + 1)) % P  # b = A x for x = 1, 2, ..., N
        b[i] = total


def decompose():  # in-place Doolittle LU of lu = P A; det(A), or 0 if singular
    det = 1
    for i in range(N):
        perm[i] = i
        lu[i][:] = a[i]
    for k in range(N):
        p = k
        while p < N and lu[p][k] == 0:
            p += 1
        if p == N:
            return 0
        if p != k:
            lu[k], lu[p] = lu[p], lu[k]
            perm[k], perm[p] = perm[p], perm[k]
            det = (P - det) % P
        row_k = lu[k]
        det = det * row_k[k] % P
        inv = inv_mod(row_k[k])
        for i in range(k + 1, N):
            row_i = lu[i]
            l = row_i[k] * inv % P
            row_i[k] = l
            for j in range(k + 1, N):
                row_i[j] = (row_i[j] + P - l * row_k[j] % P) % P
    return det


def solve():  # L U x = P b
    for i in range(N):
        s = b[perm[i]]
        for j in range(i):
            s = (s + P - lu[i][j] * x[j] % P) % P
        x[i] = s
    for i in range(N - 1, -1, -1):
        s = x[i]
        for j in range(i + 1, N):
            s = (s + P - lu[i][j] * x[j] % P) % P
        x[i] = s * inv_mod(lu[i][i]) % P


def factors_reproduce_a():  # (L U)[i][j] == A[perm[i]][j] for all i, j
    for i in range(N):
        for j in range(N):
            s = 0
            for k in range(min(i, j) + 1):
                l = 1 if k == i else lu[i][k]
                s = (s + l * lu[k][j]) % P
            if s != a[perm[i]][j]:
                return False
    return True


solved, det_hash, first_det, det, factors_ok = 0, 0, 0, 0, False
for r in range(ROUNDS):
    make_system(r)
    det = decompose()
    if r == 0:
        first_det, factors_ok = det, factors_reproduce_a()
    if not det:
        continue
    solve()
    if x == [i + 1 for i in range(N)]:
        solved += 1
    det_hash = ((det_hash * 31 + det) & 0xFFFFFFFF) ^ (det_hash >> 7)
field("det(A0) mod 65521", first_det)
field("det(A99) mod 65521", det)
field("det hash", "%08x" % det_hash)
field("systems solved", solved)
expect(factors_ok, "L U != P A")
expect(solved == ROUNDS, "a solution differs from the known x")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
