// HDF5 C API wrappers: identifiers closed by RAII, HDF5's own error printing
// silenced, every failure turned into a message naming file and object.
#include "io/hdf5_io.h"

#include "io/hdf5_detail.h"

#include "util/atomic_file.h"
#include "util/input_limits.h"
#include "util/isolated_run.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace axbnn::h5 {

using namespace detail;

namespace {

herr_t collectDetail(unsigned n, const H5E_error2_t* err, void* data)
{
    if (n == 0 && err->desc)
        *static_cast<std::string*>(data) = err->desc;
    return 0;
}

Kind kindOf(hid_t id)
{
    switch (H5Iget_type(id)) {
    case H5I_GROUP: return Kind::Group;
    case H5I_DATASET: return Kind::Dataset;
    default: return Kind::Other;
    }
}

} // namespace

Id& Id::operator=(Id&& o) noexcept
{
    if (this != &o) {
        reset();
        id_ = o.id_;
        close_ = o.close_;
        o.id_ = -1;
    }
    return *this;
}

herr_t Id::reset()
{
    herr_t status = 0;
    if (id_ >= 0 && close_)
        status = close_(id_);
    id_ = -1;
    return status;
}

std::shared_ptr<void> lockLibrary()
{
    static std::recursive_mutex mutex;
    if (inIsolatedChild())
        return {};
    return std::make_shared<std::unique_lock<std::recursive_mutex>>(mutex);
}

void silenceErrors()
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::string errorDetail()
{
    std::string detail;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collectDetail, &detail);
    return detail;
}

std::string typeName(hid_t type)
{
    const size_t bits = H5Tget_size(type) * 8;
    switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT: return "float" + std::to_string(bits);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length";
    default: return "non-numeric";
    }
}

// ---- Object ---------------------------------------------------------------

Object::Object(std::shared_ptr<const std::string> file, std::string path, Id id, Kind kind, std::shared_ptr<void> lock)
    : file_(std::move(file)), path_(std::move(path)), lock_(std::move(lock)), id_(std::move(id)), kind_(kind)
{}

void Object::checkAttributeCount() const
{
    H5O_info_t info;
    if (H5Oget_info2(id(), &info, H5O_INFO_NUM_ATTRS) < 0)
        fail(withDetail("cannot count the attributes"));
    if (info.num_attrs > kMaxAttributesPerObject)
        fail(std::to_string(info.num_attrs) + " attributes, more than the limit of "
             + std::to_string(kMaxAttributesPerObject) + " per object");
}

std::string Object::where() const
{
    return path_ == "/" ? *file_ : *file_ + ": " + path_;
}

void Object::fail(const std::string& problem) const
{
    throw std::runtime_error(where() + ": " + problem);
}

void Object::failAttribute(const std::string& name, const std::string& problem) const
{
    fail("attribute '" + name + "': " + problem);
}

std::string Object::childPath(const std::string& name) const
{
    return (path_ == "/" ? "" : path_) + "/" + name;
}

std::vector<Object::Child> Object::children() const
{
    H5G_info_t info;
    if (H5Gget_info(id(), &info) < 0)
        fail(withDetail("cannot list the group"));
    std::vector<Child> out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t len = H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0)
            fail(withDetail("cannot list the group"));
        std::string name(static_cast<size_t>(len), '\0');
        H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
        Id obj(H5Oopen(id(), name.c_str(), H5P_DEFAULT), H5Oclose);
        out.push_back({name, obj.valid() ? kindOf(obj.get()) : Kind::Other});
    }
    return out;
}

bool Object::has(const std::string& name) const
{
    return H5Lexists(id(), name.c_str(), H5P_DEFAULT) > 0;
}

Object Object::open(const std::string& name) const
{
    if (!has(name))
        fail("missing '" + name + "'");
    Id obj(H5Oopen(id(), name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj.valid())
        throw std::runtime_error(*file_ + ": " + withDetail(childPath(name) + ": cannot open"));
    const Kind k = kindOf(obj.get());
    Object o(file_, childPath(name), std::move(obj), k, lock_);
    o.checkAttributeCount();
    return o;
}

Object Object::group(const std::string& name) const
{
    if (!has(name))
        fail("missing group '" + name + "'");
    Object g = open(name);
    if (g.kind() != Kind::Group)
        g.fail("expected a group");
    return g;
}

Object Object::createGroup(const std::string& name) const
{
    Id g(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g.valid())
        throw std::runtime_error(*file_ + ": " + withDetail(childPath(name) + ": cannot create group"));
    return Object(file_, childPath(name), std::move(g), Kind::Group, lock_);
}

// ---- files ------------------------------------------------------------------

Object openFile(const std::string& path)
{
    namespace fs = std::filesystem;
    silenceErrors();
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st))
        throw std::runtime_error(path + ": no such file");
    if (fs::is_directory(st))
        throw std::runtime_error(path + ": is a directory, not a file");
    std::shared_ptr<void> lock = lockLibrary();
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // Weak close: the file stays open while the returned root group (or any
    // object opened from it) is, and closes with the last of them.
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_WEAK);
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!file.valid())
        throw std::runtime_error(path + ": " + withDetail("not a readable HDF5 file"));
    Id root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    if (!root.valid())
        throw std::runtime_error(path + ": " + withDetail("not a readable HDF5 file"));
    Object o(std::make_shared<const std::string>(path), "/", std::move(root), Kind::Group, std::move(lock));
    o.checkAttributeCount();
    return o;
}

NewFile::NewFile(const std::string& path) : path_(path), lock_(lockLibrary())
{
    silenceErrors();
    std::string tmpl;
    const int fd = createTempBeside(path, tmpl);
    ::close(fd);
    tmp_ = tmpl;
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // Semi close: closing the file fails while objects in it are still open,
    // so commit() cannot rename a file whose data is not yet written out.
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI);
    file_ = Id(H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
    Id root(file_.valid() ? H5Gopen2(file_.get(), "/", H5P_DEFAULT) : -1, H5Gclose);
    if (!root.valid()) {
        const std::string msg = path + ": " + withDetail("cannot create HDF5 file");
        root.reset();
        file_.reset();
        std::remove(tmp_.c_str());
        throw std::runtime_error(msg);
    }
    root_ =
        std::make_unique<Object>(std::make_shared<const std::string>(path), "/", std::move(root), Kind::Group, lock_);
}

NewFile::~NewFile()
{
    if (committed_)
        return;
    root_.reset();
    file_.reset();
    std::remove(tmp_.c_str());
}

void NewFile::commit()
{
    root_->handle().reset();
    if (file_.reset() < 0)
        throw std::runtime_error(path_ + ": " + withDetail("cannot write"));
    const int fd = ::open(tmp_.c_str(), O_RDONLY);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    const int syncErrno = errno;
    if (fd >= 0)
        ::close(fd);
    if (!synced)
        throw std::runtime_error(path_ + ": cannot write (" + std::strerror(syncErrno) + ")");
    ::chmod(tmp_.c_str(), 0644);
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error(path_ + ": cannot write (" + std::strerror(errno) + ")");
    committed_ = true;
}

} // namespace axbnn::h5
