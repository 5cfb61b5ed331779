# crc32 (Embench-like set): CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a
# pseudo-random buffer, table-driven, ROUNDS times with one byte changed per round.
# Checked against CRC-32("123456789") = 0xCBF43926 and a bit-at-a-time implementation.
# Same algorithm and output as bench/embench/crc32.c. MicroPython's small ints have 31
# bits, so the CRC register and the table are kept as 16-bit halves (no big-int garbage).
BUFFER_BYTES, ROUNDS = 4096, 24
POLY_HI, POLY_LO = 0xEDB8, 0x8320
M16 = 0xFFFF
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


def field_hex(label, v):
    print(label + ": " + "%08x" % v)


table_hi, table_lo = [0] * 256, [0] * 256
for i in range(256):
    hi, lo = 0, i
    for _ in range(8):
        odd = lo & 1
        hi, lo = hi >> 1, (lo >> 1) | ((hi & 1) << 15)
        if odd:
            hi, lo = hi ^ POLY_HI, lo ^ POLY_LO
    table_hi[i], table_lo[i] = hi, lo


def crc32_table(data, n):
    hi, lo = M16, M16
    for i in range(n):
        k = (lo ^ data[i]) & 0xFF
        hi, lo = table_hi[k] ^ (hi >> 8), table_lo[k] ^ (((hi & 0xFF) << 8) | (lo >> 8))
    return ((hi ^ M16) << 16) | (lo ^ M16)


def crc32_bitwise(data, n):
    hi, lo = M16, M16
    for i in range(n):
        lo ^= data[i]
        for _ in range(8):
            odd = lo & 1
            hi, lo = hi >> 1, (lo >> 1) | ((hi & 1) << 15)
            if odd:
                hi, lo = hi ^ POLY_HI, lo ^ POLY_LO
    return ((hi ^ M16) << 16) | (lo ^ M16)


seed = 0  # Embench's rand_beebs: the ANSI C example LCG, 15 bits per call


def rand_beebs():
    global seed
    seed = (seed * 1103515245 + 12345) & 0xFFFFFFFF
    return (seed >> 16) & 0x7FFF


buffer = bytearray(BUFFER_BYTES)
for i in range(BUFFER_BYTES):
    buffer[i] = rand_beebs() & 0xFF

text = b"123456789"
check = crc32_table(text, len(text))
field_hex('crc32("123456789")', check)

combined, crc = 0, 0
for r in range(ROUNDS):
    buffer[r * 131 % BUFFER_BYTES] ^= (r + 1) & 0xFF
    crc = crc32_table(buffer, BUFFER_BYTES)
    combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ crc
field_hex("crc32(buffer)", crc)
field_hex("combined", combined)

expect(check == 0xCBF43926, 'check value of "123456789"')
expect(crc == crc32_bitwise(buffer, BUFFER_BYTES), "table != bitwise")
expect(len(text) == 9, "strlen")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
