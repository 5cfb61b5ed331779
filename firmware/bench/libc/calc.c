/*
 * calc: a recursive-descent calculator over <ctype.h> (isdigit, isspace, isalpha,
 * isalnum, toupper): integer expressions with + - * / % unary minus, parentheses and
 * single-letter variables (case-insensitive), assignments "x = ...". Self-check: every
 * expression's value, and every malformed one reported as an error at the right place.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct parser {
  const char *p;
  const char *error;
  long vars[26];
};

static long expr(struct parser *s);

static void skip(struct parser *s) {
  while (isspace((unsigned char)*s->p)) s->p++;
}

static long primary(struct parser *s) {
  skip(s);
  unsigned char c = (unsigned char)*s->p;
  if (isdigit(c)) {
    long v = 0;
    while (isdigit((unsigned char)*s->p)) v = v * 10 + (*s->p++ - '0');
    return v;
  }
  if (isalpha(c)) {
    s->p++;
    if (isalnum((unsigned char)*s->p)) s->error = "names are one letter";
    return s->vars[toupper(c) - 'A'];
  }
  if (c == '(') {
    s->p++;
    long v = expr(s);
    skip(s);
    if (*s->p != ')') s->error = "missing )";
    else s->p++;
    return v;
  }
  if (c == '-') {
    s->p++;
    return -primary(s);
  }
  s->error = "expected a value";
  return 0;
}

static long term(struct parser *s) {
  long v = primary(s);
  for (;;) {
    skip(s);
    char op = *s->p;
    if (s->error || (op != '*' && op != '/' && op != '%')) return v;
    s->p++;
    long r = primary(s);
    if (op != '*' && r == 0) {
      s->error = "division by zero";
      return 0;
    }
    v = op == '*' ? v * r : op == '/' ? v / r : v % r;
  }
}

static long expr(struct parser *s) {
  long v = term(s);
  for (;;) {
    skip(s);
    char op = *s->p;
    if (s->error || (op != '+' && op != '-')) return v;
    s->p++;
    long r = term(s);
    v = op == '+' ? v + r : v - r;
  }
}

/* One line: "expr" or "letter = expr". Returns 1 and the value, or 0 and an error. */
static int line(struct parser *s, const char *text, long *value) {
  s->p = text;
  s->error = NULL;
  skip(s);
  int target = -1;
  const char *eq = strchr(text, '=');
  if (eq && isalpha((unsigned char)*s->p)) {
    target = toupper((unsigned char)*s->p) - 'A';
    s->p = eq + 1;
  }
  *value = expr(s);
  skip(s);
  if (!s->error && *s->p) s->error = "unexpected text";
  if (s->error) return 0;
  if (target >= 0) s->vars[target] = *value;
  return 1;
}

int main(void) {
  static const struct {
    const char *text;
    int valid;
    long value;
  } cases[] = {
      {"1 + 2 * 3", 1, 7},        {"(1 + 2) * 3", 1, 9},     {"  -4 + 10 / 3 ", 1, -1},
      {"x = 6 * 7", 1, 42},       {"X - 2", 1, 40},          {"y = x % 5 + -(3 - 1)", 1, 0},
      {"y * 100 + x", 1, 42},     {"17 % 5 * 2", 1, 4},      {"((((9))))", 1, 9},
      {"2 * (3 + 4", 0, 0},       {"8 / (4 - 4)", 0, 0},     {"3 + * 4", 0, 0},
      {"ab + 1", 0, 0},           {"5 5", 0, 0},             {"z = 1000000 * 1000", 1, 1000000000},
  };
  struct parser s = {0};
  int ok = 1;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    long v;
    int valid = line(&s, cases[i].text, &v);
    if (valid) printf("%-22s = %ld\n", cases[i].text, v);
    else printf("%-22s : error: %s at column %d\n", cases[i].text, s.error, (int)(s.p - cases[i].text));
    if (valid != cases[i].valid || (valid && v != cases[i].value)) {
      printf("  expected %s %ld\n", cases[i].valid ? "value" : "an error", cases[i].value);
      ok = 0;
    }
  }
  ok &= toupper('q') == 'Q' && toupper('5') == '5' && !isdigit('a') && isalpha('Z');
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
