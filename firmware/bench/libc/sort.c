/*
 * sort: <stdlib.h> qsort and bsearch over 600 integers and 120 records sorted by a
 * string key then a number (strcmp in the comparator). Self-check: the results are
 * ordered, are permutations of the input (sum and xor kept), every element is found
 * again by bsearch, absent keys are not, and the record sort is stable by its tiebreak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 600
#define RECORDS 120

struct record {
  char name[8];
  int id;
};

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int compare_records(const void *a, const void *b) {
  const struct record *x = a, *y = b;
  int by_name = strcmp(x->name, y->name);
  return by_name ? by_name : compare_ints(&x->id, &y->id);
}

static unsigned next(unsigned *seed) {
  *seed = *seed * 1664525u + 1013904223u;
  return *seed >> 8;
}

int main(void) {
  static int values[COUNT];
  static struct record records[RECORDS];
  unsigned seed = 42, sum = 0, xor = 0;
  for (int i = 0; i < COUNT; i++) {
    values[i] = (int)(next(&seed) % 20000) - 10000;
    sum += (unsigned)values[i];
    xor ^= (unsigned)values[i];
  }
  qsort(values, COUNT, sizeof values[0], compare_ints);
  int ok = 1;
  unsigned sum_after = 0, xor_after = 0;
  for (int i = 0; i < COUNT; i++) {
    if (i > 0 && values[i - 1] > values[i]) ok = 0;
    sum_after += (unsigned)values[i];
    xor_after ^= (unsigned)values[i];
  }
  ok &= sum == sum_after && xor == xor_after;
  int found = 0, absent_found = 0;
  for (int i = 0; i < COUNT; i++) {
    const int *hit = bsearch(&values[i], values, COUNT, sizeof values[0], compare_ints);
    found += hit != NULL && *hit == values[i];
    int absent = 10000 + i; /* outside the generated range */
    absent_found += bsearch(&absent, values, COUNT, sizeof values[0], compare_ints) != NULL;
  }
  printf("ints: min %d, median %d, max %d, found %d of %d, absent found %d\n", values[0],
         values[COUNT / 2], values[COUNT - 1], found, COUNT, absent_found);
  ok &= found == COUNT && absent_found == 0;

  static const char *const names[] = {"delta", "alpha", "echo", "bravo", "charlie", "alpha"};
  for (int i = 0; i < RECORDS; i++) {
    strcpy(records[i].name, names[next(&seed) % 6]);
    records[i].id = RECORDS - i;
  }
  qsort(records, RECORDS, sizeof records[0], compare_records);
  int alphas = 0;
  for (int i = 0; i < RECORDS; i++) {
    if (i > 0 && compare_records(&records[i - 1], &records[i]) >= 0) ok = 0;
    alphas += strcmp(records[i].name, "alpha") == 0;
  }
  struct record key = {"charlie", 0};
  key.id = records[RECORDS - 1].id;
  printf("records: first %s/%d, last %s/%d, %d alphas\n", records[0].name, records[0].id,
         records[RECORDS - 1].name, records[RECORDS - 1].id, alphas);
  ok &= strcmp(records[0].name, "alpha") == 0 && strcmp(records[RECORDS - 1].name, "echo") == 0;
  ok &= bsearch(&key, records, RECORDS, sizeof key, compare_records) == NULL;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
