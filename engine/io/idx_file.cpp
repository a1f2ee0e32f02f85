// IDX reader and writer through zlib's gz* functions, which read gzip and
// plain files alike. Data is read in chunks, so a corrupt header that
// promises gigabytes fails on the missing data, not on a huge allocation.
#include "io/idx_file.h"

#include "util/atomic_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace axbnn {

namespace {

constexpr uint8_t kUnsignedByte = 0x08;
constexpr uint64_t kMaxBytes = uint64_t{1} << 34;

struct GzCloser {
    void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

std::string hex(uint32_t v, int digits)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*X", digits, v);
    return buf;
}

std::string dimsText(const std::vector<uint32_t>& dims)
{
    std::string t;
    for (uint32_t d : dims)
        t += (t.empty() ? "" : " x ") + std::to_string(d);
    return t;
}

// Reads up to `n` bytes; fewer only at the end of the data.
size_t readSome(gzFile f, uint8_t* out, size_t n, const std::string& path)
{
    size_t done = 0;
    while (done < n) {
        const unsigned ask = static_cast<unsigned>(std::min<size_t>(n - done, 1 << 20));
        const int got = gzread(f, out + done, ask);
        if (got < 0) {
            int err = Z_OK;
            const char* msg = gzerror(f, &err);
            throw std::runtime_error(path + ": cannot read (" + (msg ? msg : "read error") + ")");
        }
        if (got == 0)
            break;
        done += static_cast<size_t>(got);
    }
    return done;
}

// zlib reports a cut-off gzip stream as Z_BUF_ERROR; anything else is corruption.
void checkStream(gzFile f, const std::string& path)
{
    int err = Z_OK;
    const char* msg = gzerror(f, &err);
    if (err != Z_OK && err != Z_BUF_ERROR)
        throw std::runtime_error(path + ": cannot read (" + (msg ? msg : "zlib error") + ")");
}

std::string gzipCompress(const std::string& raw, const std::string& path)
{
    z_stream zs{};
    // windowBits 15 + 16: write a gzip header and trailer, as gzip(1) does.
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error(path + ": cannot compress");
    std::string out(deflateBound(&zs, static_cast<uLong>(raw.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (status != Z_STREAM_END)
        throw std::runtime_error(path + ": cannot compress");
    return out;
}

const char* expectedText(IdxKind kind)
{
    return kind == IdxKind::Images ? "images (0x00000803, or 0x00000804 with channels)"
        : kind == IdxKind::Labels  ? "labels (0x00000801)"
                                   : "labels (0x00000801) or images (0x00000803)";
}

// What an IDX magic of unsigned bytes and `dims` dimensions holds.
std::string heldText(uint32_t magic, int dims)
{
    const std::string what = dims == 1 ? "labels"
        : dims == 3                    ? "images"
        : dims == 4                    ? "images with channels"
                                       : "a " + std::to_string(dims) + "-dimensional array";
    return "holds " + what + " (IDX magic " + hex(magic, 8) + ")";
}

bool fits(IdxKind kind, int dims)
{
    return kind == IdxKind::Any || (kind == IdxKind::Labels ? dims == 1 : dims == 3 || dims == 4);
}

} // namespace

IdxArray readIdxFile(const std::string& path, uint64_t maxItems, IdxKind expected)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw std::runtime_error(path + ": not found");
    if (std::filesystem::is_directory(path, ec))
        throw std::runtime_error(path + ": is a directory, not an IDX file");
    GzFile f(gzopen(path.c_str(), "rb"));
    if (!f)
        throw std::runtime_error(path + ": cannot open");

    uint8_t magic[4];
    if (readSome(f.get(), magic, 4, path) < 4)
        throw std::runtime_error(path + ": truncated: no complete IDX header");
    const uint32_t magicValue =
        uint32_t(magic[0]) << 24 | uint32_t(magic[1]) << 16 | uint32_t(magic[2]) << 8 | magic[3];
    if (magic[0] != 0 || magic[1] != 0) {
        // A header written little-endian reads as 0x0d080000 and the like.
        const uint32_t swapped =
            uint32_t(magic[3]) << 24 | uint32_t(magic[2]) << 16 | uint32_t(magic[1]) << 8 | magic[0];
        const bool littleEndian =
            magic[2] == 0 && magic[3] == 0 && magic[1] == kUnsignedByte && magic[0] >= 1 && magic[0] <= 4;
        throw std::runtime_error(path + ": not an IDX file (magic " + hex(magicValue, 8)
                                 + (littleEndian
                                        ? ", which is " + hex(swapped, 8) + " byte-swapped: IDX headers are big-endian"
                                        : std::string())
                                 + "), expected " + expectedText(expected));
    }
    if (magic[2] != kUnsignedByte)
        throw std::runtime_error(path + ": IDX element type " + hex(magic[2], 2)
                                 + " is not supported (only 0x08, unsigned bytes)");
    if (magic[3] < 1 || magic[3] > 4)
        throw std::runtime_error(path + ": IDX files with " + std::to_string(magic[3])
                                 + " dimensions are not supported (1 to 4)");
    if (!fits(expected, magic[3]))
        throw std::runtime_error(path + ": " + heldText(magicValue, magic[3]) + ", expected " + expectedText(expected));

    IdxArray a;
    uint64_t total = 1;
    for (int i = 0; i < magic[3]; ++i) {
        uint8_t b[4];
        if (readSome(f.get(), b, 4, path) < 4)
            throw std::runtime_error(path + ": truncated: no complete IDX header");
        a.dims.push_back(uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]);
        total *= a.dims.back();
        if (total > kMaxBytes)
            throw std::runtime_error(path + ": IDX header promises more than 16 GiB (" + dimsText(a.dims) + " ...)");
    }

    // A plain file must be as long as its header says, before anything is read.
    const uint64_t headerBytes = 4 + 4 * uint64_t{magic[3]};
    std::error_code sizeError;
    const uint64_t fileBytes = std::filesystem::file_size(path, sizeError);
    if (gzdirect(f.get()) == 1 && !sizeError && fileBytes < headerBytes + total)
        throw std::runtime_error(path + ": truncated: the header promises " + dimsText(a.dims) + " = "
                                 + std::to_string(total) + " bytes of data, the file holds "
                                 + std::to_string(fileBytes - std::min(fileBytes, headerBytes)));
    // Only the items asked for: a header that promises millions of images
    // costs nothing when ten are wanted.
    const uint64_t itemBytes = a.dims[0] == 0 ? 0 : total / a.dims[0];
    const bool limited = maxItems > 0 && maxItems < a.dims[0];
    a.itemsRead = limited ? maxItems : a.dims[0];
    const uint64_t wanted = a.itemsRead * itemBytes;
    // Grow as data arrives rather than trusting the header with one allocation.
    a.data.reserve(static_cast<size_t>(std::min<uint64_t>(wanted, uint64_t{64} << 20)));
    while (a.data.size() < wanted) {
        const size_t old = a.data.size();
        const size_t step = static_cast<size_t>(std::min<uint64_t>(wanted - old, uint64_t{16} << 20));
        a.data.resize(old + step);
        const size_t got = readSome(f.get(), a.data.data() + old, step, path);
        if (got < step) {
            checkStream(f.get(), path);
            throw std::runtime_error(path + ": truncated: the header promises " + dimsText(a.dims) + " = "
                                     + std::to_string(total) + " bytes of data, found " + std::to_string(old + got));
        }
    }
    if (limited)
        return a; // the rest is not read, so not checked
    uint8_t extra;
    if (readSome(f.get(), &extra, 1, path) != 0)
        throw std::runtime_error(path + ": unexpected data after the " + std::to_string(total)
                                 + " bytes the header promises (" + dimsText(a.dims) + ")");
    checkStream(f.get(), path);
    return a;
}

void writeIdxFile(const std::string& path, const IdxArray& a)
{
    uint64_t total = 1;
    for (uint32_t d : a.dims)
        total *= d;
    if (a.dims.empty() || a.dims.size() > 4 || total != a.data.size())
        throw std::invalid_argument(path + ": IDX array of " + dimsText(a.dims) + " does not hold "
                                    + std::to_string(a.data.size()) + " bytes");
    std::string raw = {0, 0, char(kUnsignedByte), char(a.dims.size())};
    for (uint32_t d : a.dims)
        for (int shift : {24, 16, 8, 0})
            raw.push_back(char((d >> shift) & 0xff));
    raw.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    writeFileAtomically(path, gz ? gzipCompress(raw, path) : raw);
}

} // namespace axbnn
