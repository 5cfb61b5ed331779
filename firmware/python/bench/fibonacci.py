# fibonacci (COISA set): doubly recursive fib(n), checked against the iterative sum.
# Same algorithm, checks and output as bench/coisa/fibonacci.c. No value here reaches 2**32,
# so the C version's uint32 wrap never happens and no mask is needed (a mask would make
# every addition a big-int operation in MicroPython, whose small ints are 31-bit).
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


calls = 0


def fib_recursive(n):
    global calls
    calls += 1
    if n < 2:
        return n
    return fib_recursive(n - 1) + fib_recursive(n - 2)


def fib_iterative(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


r = fib_recursive(25)
field("fib(25) recursive", r)
field("calls", calls)
expect(r == fib_iterative(25), "recursive fib(25) != iterative")
expect(calls == 2 * fib_iterative(26) - 1, "call count")
for n in range(40, 47, 3):
    print("fib(" + str(n) + ") = " + str(fib_iterative(n)))
expect(fib_iterative(46) == 1836311903, "fib(46)")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
