// zlib from Debian's zlib1g-dev: gzip for CSV, IDX, NPZ and PNG.
#include <zlib.h>
