/*
 * strings: <string.h> on a small configuration text: a tokenizer over strchr/strspn/
 * strcspn, key lookup with strcmp/strncmp, search with strstr/strrchr/memchr, building
 * with strcpy/strcat/memcpy/memmove/memset, and strtok. Self-check: the counts and values
 * the text was written with, and each result against a byte loop.
 */
#include <stdio.h>
#include <string.h>

static const char config[] =
    "# sensor node\n"
    "name = greenhouse-7\n"
    "interval=30\n"
    "sensors = temperature, humidity,light\n"
    "  threshold = 25\n"
    "name_suffix = north\n"
    "# end\n";

struct entry {
  char key[24];
  char value[40];
};

static int parse(struct entry *out, int max) {
  int n = 0;
  for (const char *line = config; *line && n < max;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    const char *p = line + strspn(line, " \t");
    if (*p != '#' && p < line + len) {
      size_t key_len = strcspn(p, " =\n");
      const char *eq = memchr(p, '=', len - (size_t)(p - line));
      if (eq && key_len < sizeof out[n].key) {
        memcpy(out[n].key, p, key_len);
        out[n].key[key_len] = '\0';
        const char *v = eq + 1 + strspn(eq + 1, " ");
        size_t value_len = (size_t)(line + len - v);
        if (value_len >= sizeof out[n].value) value_len = sizeof out[n].value - 1;
        memcpy(out[n].value, v, value_len);
        out[n].value[value_len] = '\0';
        n++;
      }
    }
    line += len + (end != NULL);
  }
  return n;
}

static const char *lookup(const struct entry *e, int n, const char *key) {
  for (int i = 0; i < n; i++)
    if (strcmp(e[i].key, key) == 0) return e[i].value;
  return NULL;
}

int main(void) {
  struct entry entries[8];
  int n = parse(entries, 8);
  int ok = n == 5;
  for (int i = 0; i < n; i++) printf("%s -> '%s'\n", entries[i].key, entries[i].value);
  const char *name = lookup(entries, n, "name");
  ok &= name && strcmp(name, "greenhouse-7") == 0 && lookup(entries, n, "nam") == NULL;
  ok &= strncmp(entries[4].key, "name", 4) == 0 && strcmp("abc", "abd") < 0 &&
        strcmp("b", "abc") > 0 && memcmp("\x01\xff", "\x01\x01", 2) > 0;

  char sensors[40];
  strcpy(sensors, lookup(entries, n, "sensors"));
  int count = 0;
  for (char *tok = strtok(sensors, ", "); tok; tok = strtok(NULL, ", ")) {
    printf("sensor %d: %s\n", count, tok);
    count++;
  }
  ok &= count == 3;

  char path[64] = "/var/log";
  strcat(path, "/");
  strcat(path, name);
  strcat(path, ".log");
  const char *base = strrchr(path, '/') + 1;
  const char *found = strstr(path, "house");
  printf("path %s, base %s, 'house' at %d, length %u\n", path, base,
         found ? (int)(found - path) : -1, (unsigned)strlen(path));
  ok &= strcmp(base, "greenhouse-7.log") == 0 && found == path + 14 && strlen(path) == 25 &&
        strstr(path, "houses") == NULL;

  char buf[16];
  memset(buf, '.', sizeof buf);
  memcpy(buf, "abcdefgh", 8);
  memmove(buf + 2, buf, 8); /* overlapping, forwards */
  memmove(buf, buf + 1, 4); /* overlapping, backwards */
  buf[15] = '\0';
  printf("memmove: %s\n", buf);
  ok &= strcmp(buf, "babccdefgh.....") == 0;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
