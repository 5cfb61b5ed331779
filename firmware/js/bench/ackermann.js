// ackermann (COISA set): the Ackermann-Peter function, deep non-tail recursion.
// ack(3, n) = 2^(n+3) - 3 and ack(2, n) = 2n + 3 give the self-check. Same algorithm,
// checks and output as bench/coisa/ackermann.c.
const MAX_N = 6;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');

let calls = 0;
function ack(m, n) {
  calls++;
  if (m === 0) return n + 1;
  if (n === 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

for (let n = 0; n <= MAX_N; n++) {
  const two = ack(2, n);
  const three = ack(3, n);
  write('ack(3,', n, ') = ', three, '\n');
  expect(two === 2 * n + 3, 'ack(2,n) != 2n+3');
  expect(three === (1 << (n + 3)) - 3, 'ack(3,n) != 2^(n+3)-3');
}
field('calls', calls);
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
