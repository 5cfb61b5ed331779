/*
 * xgboost (Embench-like set): classifies a built-in data set with a gradient-boosted
 * decision-tree ensemble, as an XGBoost multi-class model does at inference: each class
 * sums the leaf weights of its trees, the highest score wins. Everything is integer:
 * integer features and thresholds, Q12 leaf weights (fixed point, no soft-float).
 * Model and data come from tools/gen-xgboost-model.ts, whose own integer evaluation gives
 * the expected correct counts and the hash of every prediction the self-check compares.
 */
#include <stdint.h>
#include "report.h"
#include "xgboost_model.h"

#define ROUNDS 10
#define MIN_TEST_PER_MILLE 850

static uint8_t predictions[XGB_SAMPLES];

static int32_t tree_value(uint16_t node, const int16_t *x) {
  while (xgb_nodes[node].feature >= 0) {
    const struct xgb_node *n = &xgb_nodes[node];
    node = x[n->feature] < n->value ? n->left : n->right;
  }
  return xgb_nodes[node].value;
}

/* Highest score wins; the first class wins a tie. */
static uint8_t classify(const int16_t *x) {
  int32_t score[XGB_CLASSES] = {0};
  for (uint32_t t = 0; t < XGB_TREES; t++) score[t % XGB_CLASSES] += tree_value(xgb_roots[t], x);
  uint8_t best = 0;
  for (uint8_t c = 1; c < XGB_CLASSES; c++) {
    if (score[c] > score[best]) best = c;
  }
  return best;
}

int main(void) {
  for (uint32_t r = 0; r < ROUNDS; r++) {
    for (uint32_t i = 0; i < XGB_SAMPLES; i++) predictions[i] = classify(xgb_features[i]);
  }

  int32_t confusion[XGB_CLASSES][XGB_CLASSES] = {{0}};
  int32_t correct[2] = {0, 0}; /* [0] trained on (even), [1] held out (odd) */
  uint32_t hash = 0x811c9dc5u;
  for (uint32_t i = 0; i < XGB_SAMPLES; i++) {
    confusion[xgb_labels[i]][predictions[i]]++;
    correct[i & 1] += predictions[i] == xgb_labels[i];
    hash = (hash ^ predictions[i]) * 0x01000193u;
  }
  int32_t test_per_mille = correct[1] * 1000 / (XGB_SAMPLES / 2);

  print_field_int("train correct", correct[0]);
  print_field_int("test correct", correct[1]);
  print_field_int("test accuracy (per mille)", test_per_mille);
  for (uint32_t c = 0; c < XGB_CLASSES; c++) {
    print_str("confusion[");
    print_int((int32_t)c);
    print_str("]:");
    for (uint32_t p = 0; p < XGB_CLASSES; p++) {
      print_str(" ");
      print_int(confusion[c][p]);
    }
    print_newline();
  }
  print_field_hex("predictions fnv1a", hash);

  expect(correct[0] == XGB_EXPECTED_TRAIN_CORRECT && correct[1] == XGB_EXPECTED_TEST_CORRECT,
         "correct counts differ from the generator's");
  expect(hash == XGB_EXPECTED_PREDICTIONS_FNV1A, "predictions differ from the generator's");
  expect(test_per_mille >= MIN_TEST_PER_MILLE, "held-out accuracy below 85%");
  return report_check();
}
