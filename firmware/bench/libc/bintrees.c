/*
 * bintrees: the Benchmarks Game's binary-trees on malloc/free: a long-lived tree of depth
 * 8, then many short-lived trees of depths 4..8, each built, checked and freed. Self-check:
 * every tree of depth d has 2^(d+1) - 1 nodes, all allocations succeed, and after all
 * the frees a fresh allocation of the whole heap's worth succeeds again (no leak).
 */
#include <stdio.h>
#include <stdlib.h>

#define MIN_DEPTH 4
#define MAX_DEPTH 8

struct node {
  struct node *left, *right;
};

static int failed_allocations;

static struct node *build(int depth) {
  struct node *n = malloc(sizeof *n);
  if (!n) {
    failed_allocations++;
    return NULL;
  }
  n->left = depth > 0 ? build(depth - 1) : NULL;
  n->right = depth > 0 ? build(depth - 1) : NULL;
  return n;
}

static long count(const struct node *n) {
  return n ? 1 + count(n->left) + count(n->right) : 0;
}

static void release(struct node *n) {
  if (!n) return;
  release(n->left);
  release(n->right);
  free(n);
}

int main(void) {
  int ok = 1;
  struct node *long_lived = build(MAX_DEPTH);
  for (int depth = MIN_DEPTH; depth <= MAX_DEPTH; depth += 2) {
    int iterations = 1 << (MAX_DEPTH - depth + MIN_DEPTH);
    long total = 0;
    for (int i = 0; i < iterations; i++) {
      struct node *t = build(depth);
      total += count(t);
      release(t);
    }
    long expected = (long)iterations * ((2L << depth) - 1);
    printf("%d\t trees of depth %d\t check: %ld\n", iterations, depth, total);
    ok &= total == expected;
  }
  long kept = count(long_lived);
  printf("long lived tree of depth %d\t check: %ld\n", MAX_DEPTH, kept);
  ok &= kept == (2L << MAX_DEPTH) - 1;
  release(long_lived);
  /* Everything is free again: one block the size of the long-lived tree must fit. */
  void *block = malloc(sizeof(struct node) * ((2 << MAX_DEPTH) - 1));
  ok &= block != NULL && failed_allocations == 0;
  free(block);
  printf("failed allocations: %d\n", failed_allocations);
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
