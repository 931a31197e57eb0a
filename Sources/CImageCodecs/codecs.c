// See include/cimagecodecs.h.
#include "cimagecodecs.h"
#include <png.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void almagest_image_free(almagest_decoded_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

// MARK: - PNG

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *error;
    size_t error_capacity;
} png_source;

static void png_read_memory(png_structp png, png_bytep out, png_size_t length) {
    png_source *src = (png_source *)png_get_io_ptr(png);
    if (src->size - src->offset < length) {
        png_error(png, "the file ends early (truncated)");
    }
    memcpy(out, src->data + src->offset, length);
    src->offset += length;
}

static void png_on_error(png_structp png, png_const_charp message) {
    png_source *src = (png_source *)png_get_error_ptr(png);
    snprintf(src->error, src->error_capacity, "%s", message);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

int almagest_png_decode(const uint8_t *data, size_t size, almagest_decoded_image *out,
                        char *error, size_t error_capacity) {
    memset(out, 0, sizeof(*out));
    if (error_capacity > 0) error[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_capacity, "not a PNG file (bad signature)");
        return 1;
    }
    png_source src = {data, size, 0, error, error_capacity};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
    if (!png) {
        snprintf(error, error_capacity, "libpng could not start");
        return 2;
    }
    png_infop info = png_create_info_struct(png);
    // volatile: modified between setjmp and longjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        if (!error[0]) snprintf(error, error_capacity, "libpng failed");
        return 3;
    }
    png_set_read_fn(png, &src, png_read_memory);
    png_read_info(png, info);
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        png_set_swap(png);
#endif
    }
    if (color == PNG_COLOR_TYPE_GRAY_ALPHA ||
        (color == PNG_COLOR_TYPE_GRAY && png_get_valid(png, info, PNG_INFO_tRNS))) {
        png_set_gray_to_rgb(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int width = (int)png_get_image_width(png, info);
    int height = (int)png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    int out_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((size_t)height * row_bytes / (row_bytes ? row_bytes : 1) != (size_t)height) {
        png_error(png, "image too large");
    }
    pixels = malloc((size_t)height * row_bytes);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bit_depth = out_depth;
    out->pixels = pixels;
    return 0;
}

// MARK: - JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *error;
    size_t error_capacity;
} jpeg_error_trap;

static void jpeg_on_error(j_common_ptr info) {
    jpeg_error_trap *trap = (jpeg_error_trap *)info->err;
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    snprintf(trap->error, trap->error_capacity, "%s", message);
    longjmp(trap->jump, 1);
}

static void jpeg_on_message(j_common_ptr info, int level) {
    // Corrupt-data warnings (level -1) become errors: a damaged file is reported, not guessed at.
    jpeg_error_trap *trap = (jpeg_error_trap *)info->err;
    if (level < 0) {
        char message[JMSG_LENGTH_MAX];
        (*info->err->format_message)(info, message);
        snprintf(trap->error, trap->error_capacity, "%s", message);
        longjmp(trap->jump, 1);
    }
}

int almagest_jpeg_decode(const uint8_t *data, size_t size, almagest_decoded_image *out,
                         char *error, size_t error_capacity) {
    memset(out, 0, sizeof(*out));
    if (error_capacity > 0) error[0] = 0;
    struct jpeg_decompress_struct info;
    jpeg_error_trap trap;
    info.err = jpeg_std_error(&trap.base);
    trap.base.error_exit = jpeg_on_error;
    trap.base.emit_message = jpeg_on_message;
    trap.error = error;
    trap.error_capacity = error_capacity;
    uint8_t *volatile pixels = NULL;
    if (setjmp(trap.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&info);
        return 3;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
        snprintf(error, error_capacity, "CMYK JPEG is not supported");
        jpeg_destroy_decompress(&info);
        return 4;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    int width = (int)info.output_width, height = (int)info.output_height;
    int channels = info.output_components;
    size_t stride = (size_t)width * (size_t)channels;
    pixels = malloc(stride * (size_t)height);
    if (!pixels) {
        snprintf(error, error_capacity, "out of memory");
        jpeg_destroy_decompress(&info);
        return 5;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bit_depth = 8;
    out->pixels = pixels;
    return 0;
}
