/*
 * hashmap: word frequencies of a generated text in a chained hash map that grows with
 * realloc (the bucket array doubles at load 3/4, entries rehash), keys copied with malloc,
 * everything freed at the end. Self-check: the number of distinct words and the total
 * equal the generator's, each word's count equals a linear recount, and the map holds
 * the same after growing from 8 to 512 buckets as a map made big enough from the start.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS 3000

struct entry {
  struct entry *next;
  char *key;
  unsigned count;
};

struct map {
  struct entry **buckets;
  size_t size, used;
};

static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static int grow(struct map *m) {
  size_t size = m->size ? m->size * 2 : 8;
  struct entry **b = realloc(m->buckets, size * sizeof *b);
  if (!b) return 0;
  memset(b + m->size, 0, (size - m->size) * sizeof *b);
  /* Rehash in place: entries of old bucket i go to i or i + old size. */
  for (size_t i = 0; i < m->size; i++) {
    struct entry **link = &b[i];
    while (*link) {
      struct entry *e = *link;
      size_t to = fnv1a(e->key) & (size - 1);
      if (to == i) {
        link = &e->next;
        continue;
      }
      *link = e->next;
      e->next = b[to];
      b[to] = e;
    }
  }
  m->buckets = b;
  m->size = size;
  return 1;
}

static int add(struct map *m, const char *word) {
  if ((m->used + 1) * 4 > m->size * 3 && !grow(m)) return 0;
  size_t i = fnv1a(word) & (m->size - 1);
  for (struct entry *e = m->buckets[i]; e; e = e->next)
    if (strcmp(e->key, word) == 0) return (int)++e->count;
  struct entry *e = malloc(sizeof *e);
  char *key = malloc(strlen(word) + 1);
  if (!e || !key) return 0;
  strcpy(key, word);
  *e = (struct entry){m->buckets[i], key, 1};
  m->buckets[i] = e;
  m->used++;
  return 1;
}

static unsigned lookup(const struct map *m, const char *word) {
  for (const struct entry *e = m->buckets[fnv1a(word) & (m->size - 1)]; e; e = e->next)
    if (strcmp(e->key, word) == 0) return e->count;
  return 0;
}

static void clear(struct map *m) {
  for (size_t i = 0; i < m->size; i++)
    for (struct entry *e = m->buckets[i], *next; e; e = next) {
      next = e->next;
      free(e->key);
      free(e);
    }
  free(m->buckets);
  *m = (struct map){0};
}

/* Word i of the text: one of 400 syllable pairs, skewed towards small indices. */
static void word(unsigned i, char out[8]) {
  static const char *const syllables[20] = {"ka", "lo", "mi", "ne", "ru", "sa", "te",
                                            "vo", "zu", "pe", "do", "fi", "gu", "ha",
                                            "ji", "mo", "nu", "pi", "ro", "su"};
  unsigned x = (i * 2654435761u) >> 7, r = (x % 400) * (x % 400) / 400;
  strcpy(out, syllables[r / 20]);
  strcat(out, syllables[r % 20]);
}

int main(void) {
  struct map m = {0}, big = {0};
  while (big.size < 1024) grow(&big);
  int ok = 1;
  char w[8];
  for (unsigned i = 0; i < WORDS; i++) {
    word(i, w);
    ok &= add(&m, w) > 0 && add(&big, w) > 0;
  }
  unsigned total = 0, mismatches = 0, best = 0;
  char best_word[8] = "";
  for (size_t i = 0; i < m.size; i++)
    for (const struct entry *e = m.buckets[i]; e; e = e->next) {
      total += e->count;
      if (e->count != lookup(&big, e->key)) mismatches++;
      if (e->count > best || (e->count == best && strcmp(e->key, best_word) < 0)) {
        best = e->count;
        strcpy(best_word, e->key);
      }
    }
  unsigned recount = 0;
  for (unsigned i = 0; i < WORDS; i++) {
    word(i, w);
    recount += strcmp(w, best_word) == 0;
  }
  printf("distinct words: %u, total: %u, buckets: %u\n", (unsigned)m.used, total,
         (unsigned)m.size);
  printf("most frequent: %s (%u)\n", best_word, best);
  ok &= total == WORDS && m.used == big.used && mismatches == 0 && recount == best &&
        m.size >= 512;
  clear(&m);
  clear(&big);
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
