/*
 * lists (COISA set, after the shootout's "lists"): doubly linked lists of a static node
 * pool (no malloc): build 1..SIZE, copy it, move the copy head-to-tail into a third list
 * and back tail-to-tail (which reverses it), reverse the original, compare.
 */
#include <stdint.h>
#include "report.h"

#define SIZE 1000
#define ROUNDS 40
#define LISTS 3
/* Two lists of SIZE values exist at once; each list also owns a sentinel node. */
#define POOL (2 * SIZE + LISTS)
#define NIL 0xffff

struct node {
  int32_t value;
  uint16_t next, prev;
};

static struct node pool[POOL];
static uint16_t free_head;

static void pool_init(void) {
  for (uint16_t i = 0; i < POOL; i++) pool[i].next = (uint16_t)(i + 1 < POOL ? i + 1 : NIL);
  free_head = 0;
}

static uint16_t node_alloc(int32_t value) {
  uint16_t n = free_head;
  if (n == NIL) return NIL;
  free_head = pool[n].next;
  pool[n].value = value;
  return n;
}

static void node_free(uint16_t n) {
  pool[n].next = free_head;
  free_head = n;
}

/* A list is its sentinel: a circular ring through it. */
static uint16_t list_new(void) {
  uint16_t s = node_alloc(0);
  pool[s].next = pool[s].prev = s;
  return s;
}

static int list_empty(uint16_t s) { return pool[s].next == s; }

static void link_before(uint16_t at, uint16_t n) {
  uint16_t p = pool[at].prev;
  pool[n].prev = p;
  pool[n].next = at;
  pool[p].next = n;
  pool[at].prev = n;
}

static uint16_t unlink_node(uint16_t n) {
  pool[pool[n].prev].next = pool[n].next;
  pool[pool[n].next].prev = pool[n].prev;
  return n;
}

static void push_tail(uint16_t s, uint16_t n) { link_before(s, n); }
static uint16_t pop_head(uint16_t s) { return unlink_node(pool[s].next); }
static uint16_t pop_tail(uint16_t s) { return unlink_node(pool[s].prev); }

static int32_t list_length(uint16_t s) {
  int32_t len = 0;
  for (uint16_t n = pool[s].next; n != s; n = pool[n].next) len++;
  return len;
}

static void list_reverse(uint16_t s) {
  uint16_t n = s;
  do {
    uint16_t t = pool[n].next;
    pool[n].next = pool[n].prev;
    pool[n].prev = t;
    n = t;
  } while (n != s);
}

static int list_equal(uint16_t a, uint16_t b) {
  uint16_t x = pool[a].next, y = pool[b].next;
  for (; x != a && y != b; x = pool[x].next, y = pool[y].next) {
    if (pool[x].value != pool[y].value) return 0;
  }
  return x == a && y == b;
}

static void list_free(uint16_t s) {
  while (!list_empty(s)) node_free(pop_head(s));
  node_free(s);
}

/* One round of the shootout test; returns the length of the compared lists. */
static int32_t test_lists(void) {
  uint16_t l1 = list_new();
  for (int32_t i = 1; i <= SIZE; i++) push_tail(l1, node_alloc(i));
  uint16_t l2 = list_new();
  for (uint16_t n = pool[l1].next; n != l1; n = pool[n].next) push_tail(l2, node_alloc(pool[n].value));
  uint16_t l3 = list_new();
  while (!list_empty(l2)) push_tail(l3, pop_head(l2));
  while (!list_empty(l3)) push_tail(l2, pop_tail(l3));
  list_reverse(l1);

  int32_t len = -1;
  if (pool[pool[l1].next].value == SIZE && list_equal(l1, l2)) len = list_length(l1);
  list_free(l1);
  list_free(l2);
  list_free(l3);
  return len;
}

int main(void) {
  pool_init();
  int32_t len = 0;
  for (int32_t r = 0; r < ROUNDS; r++) {
    len = test_lists();
    if (len != SIZE) break;
  }
  print_field_int("length", len);

  int32_t free_nodes = 0;
  for (uint16_t n = free_head; n != NIL; n = pool[n].next) free_nodes++;
  print_field_int("free nodes", free_nodes);
  expect(len == SIZE, "reversed list differs from the moved copy");
  expect(free_nodes == POOL, "pool leaked nodes");
  return report_check();
}
