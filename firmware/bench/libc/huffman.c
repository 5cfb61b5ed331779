/*
 * huffman: a Huffman coder as a compression or telemetry library writes one: byte
 * frequencies, the tree built with a min-heap in local arrays (its node table, heap and
 * code table are ~9 KiB of stack: the kind of program that ran past a 4 KiB stack),
 * canonical code lengths by a recursive walk, encoding into a bit buffer and decoding
 * back. Self-check: the decoded text equals the input, the code satisfies Kraft's
 * equality, and the encoded size equals the sum of frequency * code length.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SYMBOLS 256
#define TEXT_BYTES 3000

struct node {
  uint32_t weight;
  int16_t left, right; /* -1 for leaves */
  int16_t symbol;
};

struct tree {
  struct node nodes[2 * SYMBOLS];
  int count, root;
};

static unsigned char text[TEXT_BYTES], decoded[TEXT_BYTES];
static uint8_t packed[TEXT_BYTES];

static int lighter(const struct tree *t, int a, int b) {
  const struct node *x = &t->nodes[a], *y = &t->nodes[b];
  return x->weight < y->weight || (x->weight == y->weight && a < b);
}

static void sift_down(const struct tree *t, int *heap, int n, int i) {
  for (;;) {
    int least = i, l = 2 * i + 1, r = l + 1;
    if (l < n && lighter(t, heap[l], heap[least])) least = l;
    if (r < n && lighter(t, heap[r], heap[least])) least = r;
    if (least == i) return;
    int tmp = heap[i]; heap[i] = heap[least]; heap[least] = tmp;
    i = least;
  }
}

static int pop(const struct tree *t, int *heap, int *n) {
  int top = heap[0];
  heap[0] = heap[--*n];
  sift_down(t, heap, *n, 0);
  return top;
}

static void build(struct tree *t, const uint32_t *freq) {
  int heap[SYMBOLS], n = 0;
  t->count = 0;
  for (int s = 0; s < SYMBOLS; s++)
    if (freq[s]) {
      t->nodes[t->count] = (struct node){freq[s], -1, -1, (int16_t)s};
      heap[n++] = t->count++;
    }
  for (int i = n / 2 - 1; i >= 0; i--) sift_down(t, heap, n, i);
  while (n > 1) {
    int a = pop(t, heap, &n), b = pop(t, heap, &n);
    t->nodes[t->count] =
        (struct node){t->nodes[a].weight + t->nodes[b].weight, (int16_t)a, (int16_t)b, -1};
    heap[n++] = t->count++;
    for (int i = n - 1; i > 0 && lighter(t, heap[i], heap[(i - 1) / 2]); i = (i - 1) / 2) {
      int tmp = heap[i]; heap[i] = heap[(i - 1) / 2]; heap[(i - 1) / 2] = tmp;
    }
  }
  t->root = heap[0];
}

static void lengths(const struct tree *t, int node, int depth, uint8_t *len) {
  const struct node *x = &t->nodes[node];
  if (x->left < 0) {
    len[x->symbol] = (uint8_t)(depth ? depth : 1);
    return;
  }
  lengths(t, x->left, depth + 1, len);
  lengths(t, x->right, depth + 1, len);
}

/* Canonical codes from lengths (RFC 1951 §3.2.2). */
static void canonical(const uint8_t *len, uint32_t *code) {
  unsigned count[33] = {0}, next[33] = {0};
  for (int s = 0; s < SYMBOLS; s++) count[len[s]]++;
  count[0] = 0;
  for (int bits = 1, c = 0; bits <= 32; bits++) next[bits] = c = (c + count[bits - 1]) << 1;
  for (int s = 0; s < SYMBOLS; s++)
    if (len[s]) code[s] = next[len[s]]++;
}

int main(void) {
  static const char *const words[] = {"sensor ", "reading ", "ok ", "temperature ", "21.5 ",
                                      "humidity ", "40% ", "alarm ", "\n", "node-7 "};
  uint32_t state = 7, freq[SYMBOLS] = {0};
  size_t used = 0;
  while (used < TEXT_BYTES) {
    state = state * 1103515245u + 12345u;
    const char *w = words[(state >> 16) % 10 < 6 ? (state >> 16) % 4 : (state >> 16) % 10];
    for (; *w && used < TEXT_BYTES; w++) text[used++] = (unsigned char)*w;
  }
  for (size_t i = 0; i < TEXT_BYTES; i++) freq[text[i]]++;

  struct tree tree;
  uint8_t len[SYMBOLS] = {0};
  uint32_t code[SYMBOLS] = {0};
  build(&tree, freq);
  lengths(&tree, tree.root, 0, len);
  canonical(len, code);

  uint64_t kraft = 0, predicted = 0; /* sum of 2^(32 - len): 2^32 for a complete code */
  int distinct = 0, longest = 0;
  for (int s = 0; s < SYMBOLS; s++)
    if (len[s]) {
      distinct++;
      kraft += UINT64_C(1) << (32 - len[s]);
      predicted += (uint64_t)freq[s] * len[s];
      if (len[s] > longest) longest = len[s];
    }

  size_t bits = 0;
  memset(packed, 0, sizeof packed);
  for (size_t i = 0; i < TEXT_BYTES; i++)
    for (int b = len[text[i]] - 1; b >= 0; b--, bits++)
      if (code[text[i]] >> b & 1) packed[bits / 8] |= (uint8_t)(0x80 >> (bits % 8));

  /* Decode canonically (as inflate does): per length, the first code and where its
     symbols start in the (length, symbol)-sorted list. */
  unsigned first[33] = {0}, count[33] = {0}, offset[33] = {0};
  int sorted[SYMBOLS], n_sorted = 0;
  for (int l = 1; l <= 32; l++) {
    offset[l] = (unsigned)n_sorted;
    for (int s = 0; s < SYMBOLS; s++)
      if (len[s] == l) {
        if (count[l]++ == 0) first[l] = code[s];
        sorted[n_sorted++] = s;
      }
  }
  size_t at = 0;
  for (size_t i = 0; i < TEXT_BYTES; i++) {
    uint32_t c = 0;
    int found = -1;
    for (int l = 1; found < 0 && l <= 32; l++) {
      c = c << 1 | (packed[at / 8] >> (7 - at % 8) & 1);
      at++;
      if (c - first[l] < count[l]) found = sorted[offset[l] + (c - first[l])];
    }
    decoded[i] = (unsigned char)found;
  }
  printf("%d symbols, longest code %d bits\n", distinct, longest);
  printf("%d bytes -> %u bits (%u bytes), %.2f bits per byte\n", TEXT_BYTES, (unsigned)bits,
         (unsigned)((bits + 7) / 8), (double)bits / TEXT_BYTES);
  int ok = memcmp(text, decoded, TEXT_BYTES) == 0 && kraft == UINT64_C(1) << 32 &&
           predicted == bits && at == bits;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
