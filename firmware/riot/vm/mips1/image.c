/*
 * The M1VM image: parsed and checked as src/protocol/images/mips1-image.ts does (the
 * same codes, in the same order), then fitted into guest memory as
 * devices/engines/mips1/program.ts does. Errors are "<code>: <what is wrong>".
 */
#include "mips1_internal.h"

#define M1_HEADER_BYTES 32u
#define M1_VERSION 1u
/* checkLayout: the program must fit the 2 GiB user address space */
#define M1_USER_SPACE_END 0x7fffffffu

static uint32_t u32_at(const uint8_t *p)
{
    return m1_read32(p);
}

static bool refuse(m1_text_t *err, const char *code, const char *what)
{
    m1_text_str(err, code);
    m1_text_str(err, ": ");
    m1_text_str(err, what);
    return false;
}

static bool check_magic(const uint8_t *image, m1_text_t *err)
{
    static const char magic[4] = { 'M', '1', 'V', 'M' };
    char seen[5];
    bool same = true;
    for (unsigned i = 0; i < 4; i++) {
        same = same && image[i] == (uint8_t)magic[i];
        seen[i] = image[i] >= 0x20 && image[i] < 0x7f ? (char)image[i] : '?';
    }
    seen[4] = '\0';
    if (!same) {
        refuse(err, "bad_magic", "magic \"");
        m1_text_str(err, seen);
        m1_text_str(err, "\" is not \"M1VM\": not a mips1 image");
    }
    return same;
}

static bool check_layout(const m1_header_t *h, m1_text_t *err)
{
    if (h->load_address % 4) {
        refuse(err, "bad_layout", "loadAddress ");
        m1_text_hex(err, h->load_address);
        m1_text_str(err, " is not word-aligned");
        return false;
    }
    if (h->text_bytes == 0 || h->text_bytes % 4) {
        refuse(err, "bad_layout", "textBytes ");
        m1_text_dec(err, h->text_bytes);
        m1_text_str(err, " must be a positive multiple of 4");
        return false;
    }
    if (h->entry % 4 || h->entry < h->load_address ||
        (uint64_t)h->entry >= (uint64_t)h->load_address + h->text_bytes) {
        refuse(err, "bad_layout", "entry ");
        m1_text_hex(err, h->entry);
        m1_text_str(err, " is not an aligned address inside text");
        return false;
    }
    uint64_t end = (uint64_t)h->load_address + h->text_bytes + h->data_bytes + h->bss_bytes;
    if (end > M1_USER_SPACE_END) {
        return refuse(err, "bad_layout", "program does not fit the 2 GiB user address space");
    }
    return true;
}

bool m1_parse(const uint8_t *image, size_t len, m1_header_t *h, m1_text_t *err)
{
    if (image == NULL || len < M1_HEADER_BYTES) {
        refuse(err, "image_too_small", "image of ");
        m1_text_dec(err, image == NULL ? 0 : (int64_t)len);
        m1_text_str(err, " bytes is shorter than the 32-byte header");
        return false;
    }
    if (!check_magic(image, err)) {
        return false;
    }
    uint32_t version = (uint32_t)image[4] | (uint32_t)image[5] << 8;
    if (version != M1_VERSION) {
        refuse(err, "unsupported_version", "image version ");
        m1_text_dec(err, version);
        m1_text_str(err, "; this runtime reads version 1");
        return false;
    }
    h->load_address = u32_at(image + 8);
    h->entry = u32_at(image + 12);
    h->text_bytes = u32_at(image + 16);
    h->data_bytes = u32_at(image + 20);
    h->bss_bytes = u32_at(image + 24);
    h->stack_bytes = u32_at(image + 28);
    if (!check_layout(h, err)) {
        return false;
    }
    if ((uint64_t)(len - M1_HEADER_BYTES) != (uint64_t)h->text_bytes + h->data_bytes) {
        refuse(err, "size_mismatch", "header announces ");
        m1_text_dec(err, h->text_bytes);
        m1_text_str(err, " + ");
        m1_text_dec(err, h->data_bytes);
        m1_text_str(err, " payload bytes, image carries ");
        m1_text_dec(err, (int64_t)(len - M1_HEADER_BYTES));
        return false;
    }
    return true;
}

/* program.ts layOut(): the page below loadAddress stays unmapped, the stack fits. */
bool m1_lay_out(const m1_header_t *h, uint32_t memory_bytes, m1_text_t *err)
{
    if (h->load_address == 0) {
        return refuse(err, "null_page_mapped",
                      "loadAddress 0 would map address 0, which must stay unmapped (NULL, and "
                      "the return address that ends _start); link at 0x1000 like the SDK");
    }
    uint32_t static_end = h->load_address + h->text_bytes + h->data_bytes + h->bss_bytes;
    /* $sp = memoryBytes - 16 (guest ABI), kept 8-byte aligned as o32 requires */
    uint32_t stack_top = (memory_bytes - 16) / 8 * 8;
    uint32_t stack_bytes = h->stack_bytes ? h->stack_bytes : M1_DEFAULT_STACK_BYTES;
    if ((uint64_t)static_end + stack_bytes > stack_top) {
        refuse(err, "does_not_fit", "program needs ");
        m1_text_dec(err, (int64_t)static_end + stack_bytes + 16);
        m1_text_str(err, " bytes of guest memory (static end ");
        m1_text_hex(err, static_end);
        m1_text_str(err, " + ");
        m1_text_dec(err, stack_bytes);
        m1_text_str(err, " stack + 16) but the board grants ");
        m1_text_dec(err, memory_bytes);
        return false;
    }
    m1.memory_bytes = memory_bytes;
    m1.load_lo = h->load_address;
    m1.store_lo = h->load_address + h->text_bytes;
    m1.static_end = static_end;
    m1.stack_top = stack_top;
    m1.stack_limit = stack_top - stack_bytes;
    m1.entry = h->entry;
    return true;
}
