/*
 * The .rbf container: src/protocol/images/rbf/format.ts parseRbf, the same checks in the
 * same order with the same codes, so the device refuses exactly what the gateway refuses
 * on upload (verify.c does the same for verify.ts). Errors are "<code>: <what is wrong>".
 */
#include "ebpf_internal.h"

#define RBF_HEADER_BYTES 28u
#define RBF_FLAG_COMPRESSED 0x01u
#define RBF_MAX_NAME_BYTES 64u

static bool refuse(eb_text_t *err, const char *code)
{
    eb_text_str(err, code);
    eb_text_str(err, ": ");
    return false;
}

static bool check_function(const eb_image_t *img, uint32_t index, eb_text_t *err)
{
    const uint8_t *f = img->functions + index * EB_FUNCTION_BYTES;
    uint32_t name = eb_u16(f), location = eb_u16(f + 4);
    if (location % EB_INSN_BYTES != 0 || location >= img->text_bytes) {
        refuse(err, "bad_function");
        eb_text_str(err, "function ");
        eb_text_dec(err, index);
        eb_text_str(err, ": location_offset ");
        eb_text_dec(err, location);
        eb_text_str(err, " is not an instruction inside the ");
        eb_text_dec(err, img->text_bytes);
        eb_text_str(err, "-byte text");
        return false;
    }
    for (uint32_t k = name; k < img->rodata_bytes && k < name + RBF_MAX_NAME_BYTES; k++) {
        if (img->rodata[k] == 0) {
            return true;
        }
    }
    refuse(err, "bad_function");
    eb_text_str(err, "function ");
    eb_text_dec(err, index);
    eb_text_str(err, ": name_offset ");
    eb_text_dec(err, name);
    eb_text_str(err, " is not a NUL-terminated name (≤ 64 bytes) in the ");
    eb_text_dec(err, img->rodata_bytes);
    eb_text_str(err, "-byte rodata");
    return false;
}

static bool check_magic(const uint8_t *image, eb_text_t *err)
{
    if (image[0] == 'r' && image[1] == 'B' && image[2] == 'P' && image[3] == 'F') {
        return true;
    }
    refuse(err, "bad_magic");
    eb_text_str(err, "magic \"");
    for (unsigned i = 0; i < 4; i++) {
        eb_text_char(err, image[i] >= 0x20 && image[i] < 0x7f ? (char)image[i] : '?');
    }
    eb_text_str(err, "\" is not \"rBPF\": not a .rbf image");
    return false;
}

bool eb_parse(const uint8_t *image, size_t len, eb_image_t *out, eb_text_t *err)
{
    if (image == NULL || len < RBF_HEADER_BYTES) {
        refuse(err, "image_too_small");
        eb_text_str(err, "image of ");
        eb_text_dec(err, image == NULL ? 0 : (int64_t)len);
        eb_text_str(err, " bytes is shorter than the 28-byte rBPF header");
        return false;
    }
    if (!check_magic(image, err)) {
        return false;
    }
    if (eb_u32(image + 8) & RBF_FLAG_COMPRESSED) {
        refuse(err, "unsupported_flags");
        eb_text_str(err, "compressed text (flags bit 0) is not supported");
        return false;
    }
    out->data_bytes = eb_u32(image + 12);
    out->rodata_bytes = eb_u32(image + 16);
    out->text_bytes = eb_u32(image + 20);
    out->function_count = eb_u32(image + 24);
    uint64_t expected = (uint64_t)RBF_HEADER_BYTES + out->data_bytes + out->rodata_bytes +
                        out->text_bytes + (uint64_t)out->function_count * EB_FUNCTION_BYTES;
    if (expected != (uint64_t)len) {
        refuse(err, "size_mismatch");
        eb_text_str(err, "header announces ");
        eb_text_dec(err, out->data_bytes);
        eb_text_str(err, " data + ");
        eb_text_dec(err, out->rodata_bytes);
        eb_text_str(err, " rodata + ");
        eb_text_dec(err, out->text_bytes);
        eb_text_str(err, " text bytes and ");
        eb_text_dec(err, out->function_count);
        eb_text_str(err, " functions (");
        eb_text_dec(err, (int64_t)expected);
        eb_text_str(err, " bytes in all); the image has ");
        eb_text_dec(err, (int64_t)len);
        return false;
    }
    out->data = image + RBF_HEADER_BYTES;
    out->rodata = out->data + out->data_bytes;
    out->text = out->rodata + out->rodata_bytes;
    out->functions = out->text + out->text_bytes;
    for (uint32_t i = 0; i < out->function_count; i++) {
        if (!check_function(out, i, err)) {
            return false;
        }
    }
    return true;
}
