/*
 * jmp: <setjmp.h> error recovery as a parser or protocol stack uses it: a recursive
 * descent over nested brackets that longjmps out of any depth on the first error, a
 * retry loop around it, and a longjmp through frames that hold callee-saved registers.
 * Self-check: each input's depth or error position, the values setjmp returns, and that
 * volatile locals modified between setjmp and longjmp keep their new values (C11 7.13.2.1).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static jmp_buf on_error;
static const char *cursor;

/* Returns the nesting depth of "(...)" / "[...]"; any mismatch longjmps with its column. */
static int nest(const char *start, int depth) {
  int deepest = depth;
  while (*cursor == '(' || *cursor == '[') {
    char close = *cursor == '(' ? ')' : ']';
    cursor++;
    int d = nest(start, depth + 1);
    if (d > deepest) deepest = d;
    if (*cursor != close) longjmp(on_error, (int)(cursor - start) + 1);
    cursor++;
  }
  return deepest;
}

static int depth_of(const char *text) {
  cursor = text;
  int column = setjmp(on_error);
  if (column != 0) return -column;
  int d = nest(text, 0);
  if (*cursor != '\0') longjmp(on_error, (int)(cursor - text) + 1);
  return d;
}

static jmp_buf retry;

static uint32_t churn(int level, uint32_t acc) {
  /* Enough live values that they sit in callee-saved registers across the calls. */
  uint32_t a = acc * 3 + (uint32_t)level, b = acc ^ (uint32_t)level, c = a + b;
  if (level < 0) return acc; /* not reached: level 0 always jumps */
  if (level == 0) longjmp(retry, (int)(c & 0x7f) | 1);
  uint32_t r = churn(level - 1, a + b + c);
  return r + a + b + c;
}

int main(void) {
  static const struct {
    const char *text;
    int want;
  } cases[] = {
      {"", 0}, {"()", 1}, {"([])[]", 2}, {"(((([[]]))))", 6},
      {"(]", -2}, {"(()", -4}, {"())", -3}, {"([)]", -3},
  };
  volatile int ok = 1; /* lives across the setjmp calls below */
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int got = depth_of(cases[i].text);
    if (got >= 0) printf("\"%s\": depth %d\n", cases[i].text, got);
    else printf("\"%s\": error at column %d\n", cases[i].text, -got);
    ok &= got == cases[i].want;
  }

  volatile int attempts = 0;
  volatile long last = 0;
  int value = setjmp(retry);
  if (value != 0) last = value;
  if (attempts < 5) {
    attempts++;
    churn(10 + attempts, (uint32_t)attempts);
  }
  printf("attempts %d, last longjmp value %ld\n", attempts, last);
  ok &= attempts == 5 && last != 0 && (last & 1) == 1;

  jmp_buf zero;
  int z = setjmp(zero);
  if (z == 0) longjmp(zero, 0); /* longjmp(env, 0) makes setjmp return 1 */
  printf("longjmp(env, 0) returns %d\n", z);
  ok &= z == 1;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
