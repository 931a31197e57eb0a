// PNG and JPEG decoding through Debian's libpng (libpng-dev) and libjpeg-turbo
// (libjpeg62-turbo-dev). Both libraries report errors by longjmp, which Swift cannot catch; these
// wrappers set the jump point in C and return a status with a message instead, so a corrupt or
// truncated file never ends the process.
#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;
    int height;
    int channels;   // 1 grey, 3 RGB, 4 RGBA
    int bit_depth;  // 8 or 16 (16: native-endian uint16 samples)
    uint8_t *pixels; // HWC, malloc'd; free with almagest_image_free
} almagest_decoded_image;

// 0 on success; otherwise a non-zero status and a message in `error` (NUL-terminated).
int almagest_png_decode(const uint8_t *data, size_t size, almagest_decoded_image *out,
                        char *error, size_t error_capacity);
int almagest_jpeg_decode(const uint8_t *data, size_t size, almagest_decoded_image *out,
                         char *error, size_t error_capacity);
void almagest_image_free(almagest_decoded_image *image);

#endif
