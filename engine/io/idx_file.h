// IDX arrays, the file format of MNIST and Fashion-MNIST
// (docs/dataset-format.md): big-endian header, unsigned bytes, plain or gzip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axbnn {

struct IdxArray {
    std::vector<uint32_t> dims; // as the header says, e.g. {10000, 28, 28} for images, {10000} for labels
    std::vector<uint8_t> data; // row-major: the first items() items, items() * product(dims[1..]) bytes
    uint64_t itemsRead = 0; // dims[0], or fewer when read with a limit

    uint64_t items() const { return itemsRead; }
};

// Reads a plain or gzip-compressed IDX file of unsigned bytes (type code
// 0x08, 1 to 4 dimensions). With `maxItems` > 0 only the first `maxItems`
// items (along the first dimension) are read, and memory follows them, not
// the header. Throws std::runtime_error naming the file on a missing file,
// bad magic, unsupported element type, a plain file shorter than its header
// promises, truncated data or (reading all) data after the end.
//
// `expected` says what the caller wants: a file that holds the other kind
// (labels given as images, a 2-dimensional array, a little-endian header) is
// refused from its magic, before its data is read, with a message naming both:
// "FILE: holds labels (IDX magic 0x00000801), expected images (0x00000803, or
// 0x00000804 with channels)".
enum class IdxKind { Any, Images, Labels };
IdxArray readIdxFile(const std::string& path, uint64_t maxItems = 0, IdxKind expected = IdxKind::Any);

// Writes atomically; gzip-compressed if `path` ends in ".gz".
void writeIdxFile(const std::string& path, const IdxArray& array);

} // namespace axbnn
