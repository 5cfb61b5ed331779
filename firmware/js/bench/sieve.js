// sieve (COISA set): the Sieve of Eratosthenes over 2..8192, 60 rounds, checked against
// trial division. Same algorithm, checks and output as bench/coisa/sieve.c.
const LIMIT = 8192, ROUNDS = 60;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');

const flags = new Uint8Array(LIMIT + 1);
function sieve() {
  let count = 0, total = 0;
  flags.fill(1);
  for (let i = 2; i <= LIMIT; i++) {
    if (!flags[i]) continue;
    for (let k = i + i; k <= LIMIT; k += i) flags[k] = 0;
    count++;
    total += i;
  }
  return [count, total];
}

function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

let count = 0, sum = 0, roundsOk = 0;
for (let r = 0; r < ROUNDS; r++) {
  [count, sum] = sieve();
  if (count === 1028) roundsOk++;
}
let tdCount = 0, tdSum = 0;
for (let n = 2; n <= LIMIT; n++) if (isPrime(n)) tdCount++, tdSum += n;
field('primes', count);
field('sum', sum);
expect(roundsOk === ROUNDS, 'a round did not find 1028 primes');
expect(count === tdCount && sum === tdSum, 'sieve != trial division');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
