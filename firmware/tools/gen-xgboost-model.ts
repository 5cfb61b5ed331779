/**
 * Writes bench/embench/xgboost_model.h: a synthetic activity data set (integer sensor
 * features) and a gradient-boosted tree ensemble trained on it the way XGBoost trains a
 * multi-class model (softmax objective, second-order gain, L2-regularised leaf weights).
 *
 *   ts-node -T firmware/tools/gen-xgboost-model.ts <out.h>
 *
 * Features are integers and thresholds are integers ("x < t" goes left), leaf weights are
 * quantised to Q12, so the firmware's integer evaluation is exact; the expected correct
 * counts and a hash of all predictions are computed here with that same integer rule.
 * Training uses floating point (Math.exp); the header is committed, so a regeneration
 * on another Node version could differ only if libm's exp rounds differently.
 */
import { writeFileSync } from 'node:fs';
import { fnv1a, GENERATED_NOTE, prng } from './c-array';

const CLASSES = ['resting', 'walking', 'running'];
const FEATURES = ['accel variance (mg)', 'accel z mean (mg)', 'skin temp (0.01 C)', 'light (lux)'];
// Per class, per feature: [mean, spread].
const CLASS_SHAPES: [number, number][][] = [
  [
    [30, 25],
    [1000, 40],
    [3300, 150],
    [200, 150],
  ],
  [
    [260, 120],
    [950, 80],
    [3350, 150],
    [400, 300],
  ],
  [
    [640, 220],
    [900, 120],
    [3450, 150],
    [500, 300],
  ],
];
const SAMPLES = 300;
const ROUNDS = 10;
const MAX_DEPTH = 3;
const ETA = 0.3;
const LAMBDA = 1;
const MIN_CHILD_WEIGHT = 1;
const Q = 4096; // leaf weights in Q12

interface Sample {
  x: number[];
  label: number;
}
type Tree = { leaf: number } | { feature: number; threshold: number; left: Tree; right: Tree };

function dataset(): Sample[] {
  const random = prng(0x51d0b00);
  return Array.from({ length: SAMPLES }, (_, i) => {
    const label = i % CLASSES.length;
    // Irwin-Hall: a sum of four uniforms is close enough to normal, and exact to compute.
    const normal = () => (random() + random() + random() + random() - 2) * 1.7;
    const x = CLASS_SHAPES[label].map(([mean, spread]) =>
      Math.max(0, Math.round(mean + spread * normal())),
    );
    return { x, label };
  });
}

function leafWeight(g: number, h: number): number {
  return Math.round((-g / (h + LAMBDA)) * ETA * Q);
}

function grow(rows: number[], data: Sample[], g: number[], h: number[], depth: number): Tree {
  const G = rows.reduce((s, r) => s + g[r], 0);
  const H = rows.reduce((s, r) => s + h[r], 0);
  const score = (gs: number, hs: number) => (gs * gs) / (hs + LAMBDA);
  let best = { gain: 1e-9, feature: -1, threshold: 0 };
  if (depth < MAX_DEPTH) {
    for (let f = 0; f < FEATURES.length; f++) {
      const sorted = [...rows].sort((a, b) => data[a].x[f] - data[b].x[f]);
      let gl = 0;
      let hl = 0;
      for (let k = 0; k < sorted.length - 1; k++) {
        gl += g[sorted[k]];
        hl += h[sorted[k]];
        const lo = data[sorted[k]].x[f];
        const hi = data[sorted[k + 1]].x[f];
        if (lo === hi || hl < MIN_CHILD_WEIGHT || H - hl < MIN_CHILD_WEIGHT) continue;
        const gain = score(gl, hl) + score(G - gl, H - hl) - score(G, H);
        if (gain > best.gain) best = { gain, feature: f, threshold: Math.ceil((lo + hi) / 2) };
      }
    }
  }
  if (best.feature < 0) return { leaf: leafWeight(G, H) };
  const left = rows.filter((r) => data[r].x[best.feature] < best.threshold);
  const right = rows.filter((r) => data[r].x[best.feature] >= best.threshold);
  return {
    feature: best.feature,
    threshold: best.threshold,
    left: grow(left, data, g, h, depth + 1),
    right: grow(right, data, g, h, depth + 1),
  };
}

function evaluate(tree: Tree, x: number[]): number {
  while (!('leaf' in tree)) tree = x[tree.feature] < tree.threshold ? tree.left : tree.right;
  return tree.leaf;
}

/** Integer scores, first maximum wins: exactly what the firmware does. */
function predict(trees: Tree[], x: number[]): number {
  const scores = CLASSES.map(() => 0);
  trees.forEach((t, i) => (scores[i % CLASSES.length] += evaluate(t, x)));
  return scores.indexOf(Math.max(...scores));
}

function train(data: Sample[], rows: number[]): Tree[] {
  const trees: Tree[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const probabilities = data.map((s) => {
      const scores = CLASSES.map(
        (_, k) =>
          trees
            .filter((_, i) => i % CLASSES.length === k)
            .reduce((a, t) => a + evaluate(t, s.x), 0) / Q,
      );
      const top = Math.max(...scores);
      const e = scores.map((v) => Math.exp(v - top));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
    for (let k = 0; k < CLASSES.length; k++) {
      const g = probabilities.map((p, i) => p[k] - (data[i].label === k ? 1 : 0));
      const h = probabilities.map((p) => Math.max(p[k] * (1 - p[k]), 1e-6));
      trees.push(grow(rows, data, g, h, 0));
    }
  }
  return trees;
}

interface FlatNode {
  feature: number;
  value: number;
  left: number;
  right: number;
}

function flatten(tree: Tree, nodes: FlatNode[]): number {
  const at = nodes.length;
  if ('leaf' in tree) {
    nodes.push({ feature: -1, value: tree.leaf, left: 0, right: 0 });
    return at;
  }
  nodes.push({ feature: tree.feature, value: tree.threshold, left: 0, right: 0 });
  nodes[at].left = flatten(tree.left, nodes);
  nodes[at].right = flatten(tree.right, nodes);
  return at;
}

function main(argv: string[]): void {
  const [outPath] = argv;
  if (!outPath) throw new Error('usage: gen-xgboost-model.ts <out.h>');
  const data = dataset();
  const trainRows = data.map((_, i) => i).filter((i) => i % 2 === 0);
  const trees = train(data, trainRows);
  const nodes: FlatNode[] = [];
  const roots = trees.map((t) => flatten(t, nodes));
  for (const n of nodes) {
    if (Math.abs(n.value) > 32767 || nodes.length > 65535)
      throw new Error('model does not fit int16');
  }
  const predictions = data.map((s) => predict(trees, s.x));
  const correct = (odd: number) =>
    data.filter((s, i) => i % 2 === odd && predictions[i] === s.label).length;
  const text = `${GENERATED_NOTE('gen-xgboost-model.ts')}
#ifndef XGBOOST_MODEL_H
#define XGBOOST_MODEL_H

#include <stdint.h>

#define XGB_CLASSES ${CLASSES.length} /* ${CLASSES.join(', ')} */
#define XGB_FEATURES ${FEATURES.length} /* ${FEATURES.join(', ')} */
#define XGB_SAMPLES ${SAMPLES} /* even indices trained on, odd ones held out */
#define XGB_TREES ${trees.length} /* tree t adds to class t % XGB_CLASSES */
#define XGB_NODES ${nodes.length}
#define XGB_LEAF_ONE ${Q} /* leaf weights are Q12 */

/* What the generator's own integer evaluation of this model gives. */
#define XGB_EXPECTED_TRAIN_CORRECT ${correct(0)}
#define XGB_EXPECTED_TEST_CORRECT ${correct(1)}
#define XGB_EXPECTED_PREDICTIONS_FNV1A 0x${fnv1a(Uint8Array.from(predictions)).toString(16).padStart(8, '0')}u

/* feature < 0: a leaf with weight value; else go left if x[feature] < value. */
struct xgb_node {
  int16_t feature, value;
  uint16_t left, right;
};

static const struct xgb_node xgb_nodes[XGB_NODES] = {
${nodes.map((n) => `    {${n.feature}, ${n.value}, ${n.left}, ${n.right}},`).join('\n')}
};

static const uint16_t xgb_roots[XGB_TREES] = {${roots.join(', ')}};

static const int16_t xgb_features[XGB_SAMPLES][XGB_FEATURES] = {
${data.map((s) => `    {${s.x.join(', ')}},`).join('\n')}
};

static const uint8_t xgb_labels[XGB_SAMPLES] = {
${chunk(
  data.map((s) => s.label),
  30,
)
  .map((l) => `    ${l.join(', ')},`)
  .join('\n')}
};

#endif /* XGBOOST_MODEL_H */
`;
  writeFileSync(outPath, text);
  process.stderr.write(
    `${trees.length} trees, ${nodes.length} nodes; train ${correct(0)}/${SAMPLES / 2}, test ${correct(1)}/${SAMPLES / 2}\n`,
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

main(process.argv.slice(2));
