// fibonacci (COISA set): doubly recursive fib(n), checked against the iterative sum.
// Same algorithm, checks and output as bench/coisa/fibonacci.c; uint32 wraps with >>> 0.
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');

let calls = 0;
function fibRecursive(n) {
  calls++;
  return n < 2 ? n : (fibRecursive(n - 1) + fibRecursive(n - 2)) >>> 0;
}

function fibIterative(n) {
  let a = 0, b = 1;
  while (n--) [a, b] = [b, (a + b) >>> 0];
  return a;
}

const r = fibRecursive(25);
field('fib(25) recursive', r);
field('calls', calls);
expect(r === fibIterative(25), 'recursive fib(25) != iterative');
expect(calls === 2 * fibIterative(26) - 1, 'call count');
for (let n = 40; n <= 46; n += 3) write('fib(', n, ') = ', fibIterative(n), '\n');
expect(fibIterative(46) === 1836311903, 'fib(46)');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
