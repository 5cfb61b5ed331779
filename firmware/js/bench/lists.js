// lists (COISA set, after the shootout's "lists"): doubly linked lists of a static node
// pool (no allocation): build 1..SIZE, copy it, move the copy head-to-tail into a third
// list and back tail-to-tail (which reverses it), reverse the original, compare. Same
// algorithm, checks and output as bench/coisa/lists.c; the pool is three typed arrays.
const SIZE = 1000, ROUNDS = 40, LISTS = 3;
const POOL = 2 * SIZE + LISTS;
const NIL = 0xffff;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');

const value = new Int32Array(POOL), next = new Uint16Array(POOL), prev = new Uint16Array(POOL);
for (let i = 0; i < POOL; i++) next[i] = i + 1 < POOL ? i + 1 : NIL;
let freeHead = 0;

function nodeAlloc(v) {
  const n = freeHead;
  if (n === NIL) return NIL;
  freeHead = next[n];
  value[n] = v;
  return n;
}

function nodeFree(n) {
  next[n] = freeHead;
  freeHead = n;
}

// A list is its sentinel: a circular ring through it.
function listNew() {
  const s = nodeAlloc(0);
  next[s] = prev[s] = s;
  return s;
}

function linkBefore(at, n) {
  const p = prev[at];
  prev[n] = p;
  next[n] = at;
  next[p] = n;
  prev[at] = n;
}

function unlinkNode(n) {
  next[prev[n]] = next[n];
  prev[next[n]] = prev[n];
  return n;
}

function listLength(s) {
  let len = 0;
  for (let n = next[s]; n !== s; n = next[n]) len++;
  return len;
}

function listReverse(s) {
  let n = s;
  do {
    const t = next[n];
    next[n] = prev[n];
    prev[n] = t;
    n = t;
  } while (n !== s);
}

function listEqual(a, b) {
  let x = next[a], y = next[b];
  for (; x !== a && y !== b; x = next[x], y = next[y]) {
    if (value[x] !== value[y]) return false;
  }
  return x === a && y === b;
}

function listFree(s) {
  while (next[s] !== s) nodeFree(unlinkNode(next[s]));
  nodeFree(s);
}

// One round of the shootout test; returns the length of the compared lists.
function testLists() {
  const l1 = listNew();
  for (let i = 1; i <= SIZE; i++) linkBefore(l1, nodeAlloc(i));
  const l2 = listNew();
  for (let n = next[l1]; n !== l1; n = next[n]) linkBefore(l2, nodeAlloc(value[n]));
  const l3 = listNew();
  while (next[l2] !== l2) linkBefore(l3, unlinkNode(next[l2]));
  while (next[l3] !== l3) linkBefore(l2, unlinkNode(prev[l3]));
  listReverse(l1);
  let len = -1;
  if (value[next[l1]] === SIZE && listEqual(l1, l2)) len = listLength(l1);
  listFree(l1);
  listFree(l2);
  listFree(l3);
  return len;
}

let len = 0;
for (let r = 0; r < ROUNDS; r++) {
  len = testLists();
  if (len !== SIZE) break;
}
field('length', len);
let freeNodes = 0;
for (let n = freeHead; n !== NIL; n = next[n]) freeNodes++;
field('free nodes', freeNodes);
expect(len === SIZE, 'reversed list differs from the moved copy');
expect(freeNodes === POOL, 'pool leaked nodes');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
