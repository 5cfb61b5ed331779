/* A small guest covering what gcc emits for MIPS-I: calls and recursion, function
   pointers (jalr), a switch, mult/div with HI/LO, a 64-bit product, packed structs
   (lwl/lwr/swl/swr), bytes and halfwords, data and bss. Expected output: toolchain.spec.ts. */
typedef unsigned int u32;

static int sys1(int number, int a0) {
  register int v0 __asm__("$2") = number;
  register int arg __asm__("$4") = a0;
  __asm__ volatile("syscall" : "+r"(v0) : "r"(arg) : "memory");
  return v0;
}
static void print(const char *s) { sys1(2, (int)s); }
static void print_int(int v) { sys1(3, v); }

struct __attribute__((packed)) record {
  char tag;
  int value;
  short half;
};

static struct record records[3] = {{'a', 100000, -2}, {'b', -7, 300}, {'c', 0x12345678, 7}};
static int squares[10];
static int (*ops[3])(int, int);
static unsigned char bytes[4] = {0xff, 0x80, 0x80, 0x01};

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static int divide(int a, int b) { return a / b; }
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static const char *name(int k) {
  switch (k) {
    case 0: return "zero";
    case 1: return "one";
    case 2: return "two";
    case 3: return "three";
    case 4: return "four";
    case 5: return "five";
    default: return "many";
  }
}

int main(void) {
  print("hello from mips1\n");
  print_int(fib(15));
  print("\n");
  for (int i = 0; i < 10; i++) squares[i] = i * i;
  int sum = 0;
  for (int i = 0; i < 10; i++) sum += squares[i];
  print_int(sum);
  print("\n");
  ops[0] = add;
  ops[1] = mul;
  ops[2] = divide;
  for (int i = 0; i < 3; i++) {
    print_int(ops[i](-84, 4));
    print(" ");
  }
  print("\n");
  for (volatile int i = 0; i < 3; i++) {
    print_int(records[i].value + records[i].half);
    print(records[i].tag == 'b' ? "!" : ".");
  }
  print("\n");
  volatile int which = 1;
  records[which].value = -123456;
  records[which].half = -300;
  print_int(records[which].value + records[which].half);
  print("\n");
  volatile u32 factor = 0x12345u;
  unsigned long long big = (unsigned long long)0xfffffff0u * factor;
  print_int((int)(big >> 32));
  print(" ");
  print_int((int)big);
  print("\n");
  for (volatile int k = 0; k < 7; k += 3) {
    print(name(k));
    print(" ");
  }
  print("\n");
  volatile u32 x = 0x80000000u;
  print_int((int)(x >> 31));
  print_int((int)x >> 31);
  print_int((signed char)bytes[1] + bytes[0] + (short)(bytes[2] << 8 | bytes[3]));
  print("\n");
  volatile int n = 1000, d = -7;
  print_int(n / d);
  print(" ");
  print_int(n % d);
  print("\n");
  return 3;
}
