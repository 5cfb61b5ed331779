# sieve (COISA set): the Sieve of Eratosthenes over 2..8192, 60 rounds, checked against
# trial division. Same algorithm, checks and output as bench/coisa/sieve.c.
LIMIT, ROUNDS = 8192, 60
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field(label, v):
    print(label + ": " + str(v))


flags = bytearray(LIMIT + 1)


def sieve():
    count, total = 0, 0
    for i in range(LIMIT + 1):
        flags[i] = 1
    for i in range(2, LIMIT + 1):
        if flags[i]:
            for k in range(i + i, LIMIT + 1, i):
                flags[k] = 0
            count += 1
            total += i
    return count, total


def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


count, total, rounds_ok = 0, 0, 0
for _ in range(ROUNDS):
    count, total = sieve()
    if count == 1028:
        rounds_ok += 1
td_count, td_sum = 0, 0
for n in range(2, LIMIT + 1):
    if is_prime(n):
        td_count, td_sum = td_count + 1, td_sum + n
field("primes", count)
field("sum", total)
expect(rounds_ok == ROUNDS, "a round did not find 1028 primes")
expect(count == td_count and total == td_sum, "sieve != trial division")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
