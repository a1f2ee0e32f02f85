// IDX arrays, the file format of MNIST and Fashion-MNIST
// (docs/dataset-format.md): big-endian header, unsigned bytes, plain or gzip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axbnn {

struct IdxArray {
    std::vector<uint32_t> dims; // e.g. {10000, 28, 28} for images, {10000} for labels
    std::vector<uint8_t> data; // row-major, product(dims) bytes
};

// Reads a plain or gzip-compressed IDX file of unsigned bytes (type code
// 0x08, 1 to 4 dimensions). Throws std::runtime_error naming the file on a
// missing file, bad magic, unsupported element type, truncated data or data
// after the end.
IdxArray readIdxFile(const std::string& path);

// Writes atomically; gzip-compressed if `path` ends in ".gz".
void writeIdxFile(const std::string& path, const IdxArray& array);

} // namespace axbnn
