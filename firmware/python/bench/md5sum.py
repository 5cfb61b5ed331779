# md5sum (Embench-like set): MD5 (RFC 1321) of a pseudo-random buffer, ROUNDS times, each
# round hashing the buffer with the previous digest in front. Checked against the RFC 1321
# A.5 test suite and against feeding the same bytes in uneven pieces. Same algorithm and
# output as bench/embench/md5sum.c; uint32 wraps with & M32.
BUFFER_BYTES, ROUNDS = 4096, 12
M32 = 0xFFFFFFFF
failure = None


def expect(ok, what):
    global failure
    if not ok and failure is None:
        failure = what


K = [
    0xD76AA478, 0xE8C7B756, 0x242070DB, 0xC1BDCEEE, 0xF57C0FAF, 0x4787C62A, 0xA8304613,
    0xFD469501, 0x698098D8, 0x8B44F7AF, 0xFFFF5BB1, 0x895CD7BE, 0x6B901122, 0xFD987193,
    0xA679438E, 0x49B40821, 0xF61E2562, 0xC040B340, 0x265E5A51, 0xE9B6C7AA, 0xD62F105D,
    0x02441453, 0xD8A1E681, 0xE7D3FBC8, 0x21E1CDE6, 0xC33707D6, 0xF4D50D87, 0x455A14ED,
    0xA9E3E905, 0xFCEFA3F8, 0x676F02D9, 0x8D2A4C8A, 0xFFFA3942, 0x8771F681, 0x6D9D6122,
    0xFDE5380C, 0xA4BEEA44, 0x4BDECFA9, 0xF6BB4B60, 0xBEBFBC70, 0x289B7EC6, 0xEAA127FA,
    0xD4EF3085, 0x04881D05, 0xD9D4D039, 0xE6DB99E5, 0x1FA27CF8, 0xC4AC5665, 0xF4292244,
    0x432AFF97, 0xAB9423A7, 0xFC93A039, 0x655B59C3, 0x8F0CCC92, 0xFFEFF47D, 0x85845DD1,
    0x6FA87E4F, 0xFE2CE6E0, 0xA3014314, 0x4E0811A1, 0xF7537E82, 0xBD3AF235, 0x2AD7D2BB,
    0xEB86D391,
]
S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]


def md5_block(state, p):
    m = [p[4 * i] | p[4 * i + 1] << 8 | p[4 * i + 2] << 16 | p[4 * i + 3] << 24 for i in range(16)]
    a, b, c, d = state
    for i in range(64):
        rnd = i >> 4
        if rnd == 0:
            f, g = (b & c) | (~b & d), i
        elif rnd == 1:
            f, g = (d & b) | (~d & c), 5 * i + 1
        elif rnd == 2:
            f, g = b ^ c ^ d, 3 * i + 5
        else:
            f, g = c ^ (b | (~d & M32)), 7 * i
        x = (a + (f & M32) + K[i] + m[g & 15]) & M32
        n = S[rnd * 4 + (i & 3)]
        a, d, c = d, c, b
        b = (b + (((x << n) | (x >> (32 - n))) & M32)) & M32
    for i, v in enumerate((a, b, c, d)):
        state[i] = (state[i] + v) & M32


class Md5:
    def __init__(self):
        self.state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
        self.bytes = 0
        self.block = bytearray(64)

    def update(self, p, start, n):  # feeds p[start:start + n]
        while n:
            used = self.bytes & 63
            take = min(64 - used, n)
            self.block[used : used + take] = p[start : start + take]
            self.bytes += take
            start += take
            n -= take
            if self.bytes & 63 == 0:
                md5_block(self.state, self.block)

    def final(self):
        bits_lo, bits_hi = (self.bytes << 3) & M32, self.bytes >> 29
        self.update(b"\x80", 0, 1)
        while self.bytes & 63 != 56:
            self.update(b"\x00", 0, 1)
        length = bytes([(bits_lo >> (8 * i)) & 0xFF for i in range(4)])
        self.update(length + bytes([(bits_hi >> (8 * i)) & 0xFF for i in range(4)]), 0, 8)
        return bytes([(self.state[i // 4] >> (8 * (i % 4))) & 0xFF for i in range(16)])


def md5_hex(digest):
    return "".join(["%02x" % v for v in digest])


def digest_of(p, n, piece):
    h = Md5()
    for at in range(0, n, piece):
        h.update(p, at, min(n - at, piece))
    return h.final()


VECTORS = [  # RFC 1321, A.5 "Test suite"
    (b"", "d41d8cd98f00b204e9800998ecf8427e"),
    (b"a", "0cc175b9c0f1b6a831c399e269772661"),
    (b"abc", "900150983cd24fb0d6963f7d28e17f72"),
    (b"message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    (b"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
    ),
    (b"1234567890" * 8, "57edf4a22be3c955ac49da2e2107b67a"),
]

vectors_ok = 0
for text, hex_digest in VECTORS:
    if md5_hex(digest_of(text, len(text), 64)) == hex_digest:
        vectors_ok += 1
print("RFC 1321 vectors ok: " + str(vectors_ok))

buffer = bytearray(BUFFER_BYTES)
seed = 1
for i in range(BUFFER_BYTES):
    seed = (seed * 1103515245 + 12345) & M32
    buffer[i] = (seed >> 16) & 0xFF
digest = bytes(16)
for _ in range(ROUNDS):
    buffer[0:16] = digest
    digest = digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES)
print("md5: " + md5_hex(digest))

buffer[0:16] = digest
digest = digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES)
again = digest_of(buffer, BUFFER_BYTES, 37)
expect(vectors_ok == len(VECTORS), "RFC 1321 test suite")
expect(digest == again, "digest depends on update sizes")
if failure:
    print("check: FAIL " + failure)
    exit(1)
print("check: ok")
