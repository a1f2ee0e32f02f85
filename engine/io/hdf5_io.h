// Thin RAII and typed helpers over the HDF5 C API, shared by the model and
// dataset files. Every failure is a std::runtime_error "file: /object: problem".
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace axbnn::h5 {

// Owns one HDF5 identifier and releases it with the matching H5*close.
class Id {
public:
    Id() = default;
    Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
    Id& operator=(Id&& o) noexcept;
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    ~Id() { reset(); }

    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }
    herr_t reset(); // closes now; returns the close status (0 if nothing was open)

private:
    hid_t id_ = -1;
    herr_t (*close_)(hid_t) = nullptr;
};

// HDF5 prints its error stack to stderr by default; we report errors
// ourselves. The setting is per thread in thread-safe builds, so every entry
// point calls this.
void silenceErrors();

// The most specific message on this thread's HDF5 error stack, or "".
std::string errorDetail();

// The process-wide lock that every open file (openFile, NewFile) holds until
// its last Object is closed, so that no other thread is inside libhdf5 when
// one forks a checking child (hdf5_isolation.h). Recursive; a no-op in that
// child, which has no other threads and must not wait for its parent's lock.
std::shared_ptr<void> lockLibrary();

// "int8", "uint8", "int32", "float32", "string", ... for messages.
std::string typeName(hid_t type);

enum class Kind { Group, Dataset, Other };

// An open group or dataset, with the file name and object path for messages.
class Object {
public:
    // `lock`: lockLibrary() of the file, kept until this object closes.
    Object(std::shared_ptr<const std::string> file, std::string path, Id id, Kind kind,
           std::shared_ptr<void> lock = {});

    const std::string& file() const { return *file_; }
    const std::string& path() const { return path_; }
    hid_t id() const { return id_.get(); }
    Kind kind() const { return kind_; }
    Id& handle() { return id_; }

    // "file: /path: problem" (just "file: problem" for the root group).
    [[noreturn]] void fail(const std::string& problem) const;
    std::string where() const;

    // Groups.
    struct Child {
        std::string name;
        Kind kind;
    };
    std::vector<Child> children() const; // in name order
    bool has(const std::string& name) const;
    Object open(const std::string& name) const; // a group or dataset
    Object group(const std::string& name) const; // fails unless a group
    Object createGroup(const std::string& name) const;
    std::string childPath(const std::string& name) const;

    // Attributes. Readers accept any integer width for integers, fixed or
    // variable-length strings, and a scalar or any-rank array.
    bool hasAttribute(const std::string& name) const;
    std::vector<std::string> attributeNames() const;
    // True if an attribute has a variable-length string type (found from the
    // types alone; no string data is read).
    bool hasVariableLengthStrings() const;
    // Fails unless the object has at most kMaxAttributesPerObject attributes
    // (input_limits.h); openFile and open() check every object they return.
    void checkAttributeCount() const;
    H5T_class_t attributeClass(const std::string& name) const;
    std::vector<int64_t> intsAttribute(const std::string& name) const;
    int64_t intAttribute(const std::string& name) const; // exactly one value
    double doubleAttribute(const std::string& name) const; // integer or float, one value
    std::vector<std::string> stringsAttribute(const std::string& name) const;
    std::string stringAttribute(const std::string& name) const; // exactly one value

    // Writers: fixed-length UTF-8 strings, NUL padded, as long as the longest
    // value (at least 1 byte; h5py reads them as bytes), int32 and float64
    // numbers.
    void writeAttribute(const std::string& name, const std::string& value) const;
    void writeAttribute(const std::string& name, const std::vector<std::string>& values) const;
    void writeAttribute(const std::string& name, int32_t value) const;
    void writeAttribute(const std::string& name, const std::vector<int32_t>& values) const;
    void writeAttribute(const std::string& name, double value) const;

    // Datasets.
    std::vector<hsize_t> dims() const;
    Id type() const;
    H5T_class_t typeClass() const;
    size_t typeSize() const;
    bool isSigned() const;
    std::string typeName() const;
    std::string dimsText() const; // "[8, 3, 3, 1]"
    // Reads the whole dataset converted to T (int8_t, uint8_t, int32_t,
    // int64_t, float); `count` must equal the number of elements.
    template <class T>
    std::vector<T> read(size_t count) const;
    // Reads only the first `rows` entries along the first axis (a hyperslab),
    // converted to T; `rows` must not exceed dims()[0].
    template <class T>
    std::vector<T> readFirstRows(hsize_t rows) const;
    // Bytes of data the file holds for this dataset (after compression;
    // 0 if never written), and where contiguous data starts (or
    // HADDR_UNDEF when chunked).
    hsize_t storedBytes() const;
    haddr_t contiguousOffset() const;
    // Writes T values (int8_t, uint8_t, int32_t, float) in the matching
    // little-endian file type; `compress` chunks and deflates (level 4).
    template <class T>
    void writeDataset(const std::string& name, const std::vector<hsize_t>& dims, const T* data,
                      bool compress = false) const;

private:
    Id openAttribute(const std::string& name) const;
    std::vector<std::string> readStrings(hid_t attr, const std::string& name) const;
    void writeRawDataset(const std::string& name, const std::vector<hsize_t>& dims, hid_t memType, hid_t fileType,
                         const void* data, bool compress) const;
    [[noreturn]] void failAttribute(const std::string& name, const std::string& problem) const;

    std::shared_ptr<const std::string> file_;
    std::string path_;
    std::shared_ptr<void> lock_; // released after id_ closes
    Id id_;
    Kind kind_;
};

// Opens an existing file read-only and returns its root group. Fails with
// "path: no such file", "path: is a directory" or
// "path: not a readable HDF5 file (detail)". The file stays open (and
// lockLibrary() held) while any Object opened from it is.
Object openFile(const std::string& path);

// A new HDF5 file written beside `path` under a temporary name and renamed
// over `path` by commit(), so readers never see a half-written file. The
// temporary file is removed if commit() is never reached.
class NewFile {
public:
    explicit NewFile(const std::string& path);
    ~NewFile();
    NewFile(const NewFile&) = delete;
    NewFile& operator=(const NewFile&) = delete;

    // Errors name `path`, not the temporary file.
    const Object& root() const { return *root_; }
    // Every Object opened below root() must be closed by now.
    void commit();

private:
    std::string path_;
    std::string tmp_;
    std::shared_ptr<void> lock_;
    Id file_;
    std::unique_ptr<Object> root_;
    bool committed_ = false;
};

} // namespace axbnn::h5
