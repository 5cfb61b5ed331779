# ackermann (COISA set): the Ackermann-Peter function, deep non-tail recursion.
# ack(3, n) = 2^(n+3) - 3 and ack(2, n) = 2n + 3 give the self-check. Same algorithm,
# checks and output as bench/coisa/ackermann.c. MicroPython's WebAssembly port allows
# only ~150 nested Python calls (its C stack), and ack(3, 6) nests ~500, so the recursion
# runs on an explicit stack of pending outer calls; every call is still counted.
MAX_N = 6
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


calls = 0


def ack(m, n):
    global calls
    pending = []  # m - 1 of each call waiting for its inner ack(m, n - 1)
    while True:
        calls += 1
        if m == 0:
            n += 1
            if not pending:
                return n
            m = pending.pop()  # the outer call: ack(m - 1, inner result)
        elif n == 0:
            m, n = m - 1, 1
        else:
            pending.append(m - 1)
            n -= 1


for n in range(MAX_N + 1):
    two = ack(2, n)
    three = ack(3, n)
    print("ack(3," + str(n) + ") = " + str(three))
    expect(two == 2 * n + 3, "ack(2,n) != 2n+3")
    expect(three == (1 << (n + 3)) - 3, "ack(3,n) != 2^(n+3)-3")
print("calls: " + str(calls))
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
