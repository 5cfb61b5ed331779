import { Leave, type BlockParts, type Terminator } from './emit-block';

/**
 * A group's blocks as structured JavaScript: labelled `for (;;)` loops and labelled blocks
 * left by `continue` and `break` where the program jumps, instead of a `switch` in a loop
 * for every jump. V8 then sees the program's own control flow: a jump is a direct branch
 * (the switch was one indirect jump for all of them), and values are merged only where
 * paths really meet, so constants and types carry from block to block.
 *
 * The translation is Ramsey's "Beyond Relooper" (ICFP 2022) over the dominator tree of
 * a reducible graph: a loop header becomes `L<id>: for (;;)` (back edges `continue L<id>`),
 * a block with several forward predecessors ("merge") follows a `M<id>: { … }` its
 * predecessors leave with `break M<id>`, every other block is inlined at its only
 * predecessor. A virtual entry node, the `switch (b)` at the top of the `run` loop,
 * leads to the blocks the group may be entered at: those outside every loop, and loop
 * headers. The dispatcher steps the interpreter from any other block to one of them.
 */

/** Virtual entry node id: the `switch (b)` at the top of `run`. */
const ENTRY = -1;

/** Successors inside the group, per block id - first, edges counted with multiplicity. */
type Graph = ReadonlyArray<readonly number[]>;

export interface Structured {
  /** Statements of the `run` loop (its body). */
  readonly code: string;
  /** The blocks the function may be entered at (cpu.pc on their first instruction). */
  readonly entries: readonly number[];
}

function successors(t: Terminator): number[] {
  switch (t.kind) {
    case 'branch':
      return [t.target, t.next];
    case 'jump':
      return [t.target];
    case 'next':
      return [t.next];
    case 'leaves':
      return [];
  }
}

/** Nodes from ENTRY in reverse postorder (unreachable nodes are left out). */
function reversePostorder(entrySucc: readonly number[], succ: Graph): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (root: number, next: (x: number) => readonly number[]) => {
    const stack: Array<[number, number]> = [[root, 0]];
    seen.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ss = next(top[0]);
      if (top[1] < ss.length) {
        const y = ss[top[1]++];
        if (!seen.has(y)) {
          seen.add(y);
          stack.push([y, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  };
  visit(ENTRY, (x) => (x === ENTRY ? entrySucc : succ[x]));
  return order.reverse();
}

/** Immediate dominators (Cooper, Harvey, Kennedy), keyed by node; ENTRY dominates all. */
function dominators(rpo: readonly number[], pred: Map<number, number[]>): Map<number, number> {
  const index = new Map(rpo.map((x, k) => [x, k]));
  const idom = new Map<number, number>([[ENTRY, ENTRY]]);
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (index.get(a)! > index.get(b)!) a = idom.get(a)!;
      while (index.get(b)! > index.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const x of rpo.slice(1)) {
      const done = (pred.get(x) ?? []).filter((p) => idom.has(p));
      const d = done.reduce(intersect);
      if (idom.get(x) !== d) {
        idom.set(x, d);
        changed = true;
      }
    }
  }
  return idom;
}

const dominates = (idom: Map<number, number>, a: number, b: number) => {
  for (let x = b; ; x = idom.get(x)!) {
    if (x === a) return true;
    if (x === ENTRY) return false;
  }
};

/** The graph seen from ENTRY with edges to `roots`: order, dominators, loops, merges. */
interface Analysis {
  readonly roots: readonly number[];
  readonly rpo: readonly number[];
  readonly order: Map<number, number>;
  readonly idom: Map<number, number>;
  readonly header: Set<number>;
  /** Back edges [latch, header]. */
  readonly back: ReadonlyArray<readonly [number, number]>;
  readonly forwardPreds: Map<number, number>;
}

/** The analysis, or null when a loop can be entered past its header (not reducible). */
function analyse(roots: readonly number[], succ: Graph): Analysis | null {
  const rpo = reversePostorder(roots, succ);
  const order = new Map(rpo.map((x, k) => [x, k]));
  const pred = new Map<number, number[]>();
  const edge = (u: number, v: number) => pred.set(v, [...(pred.get(v) ?? []), u]);
  roots.forEach((v) => edge(ENTRY, v));
  rpo.forEach((u) => u !== ENTRY && succ[u].forEach((v) => edge(u, v)));
  const idom = dominators(rpo, pred);
  const header = new Set<number>();
  const back: Array<[number, number]> = [];
  const forwardPreds = new Map<number, number>();
  for (const [v, ps] of pred) {
    for (const u of ps) {
      if (order.get(v)! > order.get(u)!) forwardPreds.set(v, (forwardPreds.get(v) ?? 0) + 1);
      else if (!dominates(idom, v, u)) return null;
      else {
        header.add(v);
        back.push([u, v]);
      }
    }
  }
  return { roots, rpo, order, idom, header, back, forwardPreds };
}

/** Blocks inside a loop other than its header: per back edge u -> h, those reaching u without h. */
function loopBodies(a: Analysis, succ: Graph): Set<number> {
  const pred = new Map<number, number[]>();
  a.rpo.forEach(
    (u) => u !== ENTRY && succ[u].forEach((v) => pred.set(v, [...(pred.get(v) ?? []), u])),
  );
  const inBody = new Set<number>();
  for (const [u, h] of a.back) {
    const seen = new Set<number>([h]);
    const work = [u];
    while (work.length > 0) {
      const x = work.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      inBody.add(x);
      work.push(...(pred.get(x) ?? []));
    }
  }
  return inBody;
}

/**
 * The blocks ENTRY may lead to: in pc order, each block no earlier one reaches becomes a
 * root if the graph stays reducible (the group's start; code after a call, which only the
 * return reaches), then every block outside the loops and every loop header. A block
 * inside a loop body that only a return reaches stays out: the interpreter runs it.
 */
function entriesOf(succ: Graph): Analysis | null {
  const roots: number[] = [];
  let analysis: Analysis | null = null;
  for (let k = 0; k < succ.length; k++) {
    if (analysis?.order.has(k)) continue;
    const tried = analyse([...roots, k], succ);
    if (tried === null) continue;
    roots.push(k);
    analysis = tried;
  }
  if (analysis === null) return null;
  const inBody = loopBodies(analysis, succ);
  const entries = succ.map((_, k) => k).filter((k) => analysis.order.has(k));
  return analyse(
    entries.filter((k) => analysis.header.has(k) || !inBody.has(k)),
    succ,
  );
}

/**
 * The structured body of a group's `run` loop, or null when its graph is not reducible
 * (the caller keeps the switch then). `parts` are the group's blocks (emit-block.ts),
 * indexed by id - first.
 */
export function structureGroup(
  parts: readonly BlockParts[],
  first: number,
  last: number,
): Structured | null {
  const inside = (id: number) => id >= first && id <= last;
  const succ = parts.map((p) =>
    successors(p.term)
      .filter(inside)
      .map((id) => id - first),
  );
  const a = entriesOf(succ);
  if (a === null) return null;
  const merge = (v: number) => (a.forwardPreds.get(v) ?? 0) > 1;
  const children = new Map<number, number[]>();
  for (const x of a.rpo.slice(1))
    children.set(a.idom.get(x)!, [...(children.get(a.idom.get(x)!) ?? []), x]);
  const emit = new Emitter(parts, first, a.order, a.header, merge, children);
  return { code: emit.tree(ENTRY, a.roots), entries: a.roots.map((k) => k + first) };
}

class Emitter {
  constructor(
    private readonly parts: readonly BlockParts[],
    private readonly first: number,
    private readonly order: Map<number, number>,
    private readonly header: Set<number>,
    private readonly merge: (v: number) => boolean,
    private readonly children: Map<number, number[]>,
  ) {}

  /** Ramsey's doTree: x's code inside the blocks of its merge children, in a loop if a header. */
  tree(x: number, entrySucc: readonly number[] = []): string {
    const ys = (this.children.get(x) ?? [])
      .filter((y) => this.merge(y))
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    const within = this.within(x, ys, entrySucc);
    return this.header.has(x) ? `L${x}: for (;;) {\n${within}\n}` : within;
  }

  /** Ramsey's nodeWithin: the merge child with the highest order outermost, after its block. */
  private within(x: number, ys: readonly number[], entrySucc: readonly number[]): string {
    if (ys.length === 0) return this.node(x, entrySucc);
    const y = ys[ys.length - 1];
    const inner = this.within(x, ys.slice(0, -1), entrySucc);
    return `M${y}: {\n${inner}\n}\n${this.tree(y)}`;
  }

  /** A block's code and its jumps; ENTRY's is the switch over the entries. */
  private node(x: number, entrySucc: readonly number[]): string {
    if (x === ENTRY) {
      const cases = entrySucc
        .filter((k) => this.order.has(k))
        .map((k) => `case ${k + this.first}: ${this.branch(x, k + this.first)}`);
      return `switch (b) {\n${cases.join('\n')}\ndefault: stop = ${Leave.Transfer}; break run;\n}`;
    }
    const { body, term } = this.parts[x];
    switch (term.kind) {
      case 'leaves':
        return body;
      case 'next':
        return `${body}\n${this.branch(x, term.next)}`;
      case 'jump':
        return `${body}\n${this.branch(x, term.target)}`;
      case 'branch':
        return `${body}\nif (${term.condition}) {\n${this.branch(x, term.target)}\n}\n${this.branch(x, term.next)}`;
    }
  }

  /** Ramsey's doBranch from node x to block id `to`: continue, break, inline, or leave. */
  private branch(x: number, to: number): string {
    const v = to - this.first;
    if (v < 0 || v >= this.parts.length || !this.order.has(v))
      return `b = ${to}; stop = ${Leave.Transfer}; break run;`;
    if (x !== ENTRY && this.order.get(v)! <= this.order.get(x)!) return `continue L${v};`;
    if (this.merge(v)) return `break M${v};`;
    return this.tree(v);
  }
}
