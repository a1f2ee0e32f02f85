// HDF5 wrapper, attributes and datasets of an Object: typed reads and
// writes, each failure a message naming file, object and attribute.
#include "io/hdf5_io.h"

#include "io/hdf5_detail.h"

#include "util/isolated_run.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace axbnn::h5 {

using namespace detail;

namespace {

herr_t collectAttributeName(hid_t, const char* name, const H5A_info_t*, void* data)
{
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

// Stops the iteration (1) at the first variable-length string attribute.
herr_t findVariableLengthString(hid_t location, const char* name, const H5A_info_t*, void*)
{
    Id a(H5Aopen(location, name, H5P_DEFAULT), H5Aclose);
    Id t(a.valid() ? H5Aget_type(a.get()) : -1, H5Tclose);
    if (!t.valid())
        return 0; // unreadable types are refused when read, before any data
    return H5Tis_variable_str(t.get()) > 0 || H5Tdetect_class(t.get(), H5T_VLEN) > 0
            || H5Tdetect_class(t.get(), H5T_REFERENCE) > 0
        ? 1
        : 0;
}

} // namespace

// ---- attributes -------------------------------------------------------------

bool Object::hasAttribute(const std::string& name) const
{
    return H5Aexists(id(), name.c_str()) > 0;
}

std::vector<std::string> Object::attributeNames() const
{
    std::vector<std::string> names;
    hsize_t idx = 0;
    if (H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collectAttributeName, &names) < 0)
        fail(withDetail("cannot list attributes"));
    return names;
}

bool Object::hasVariableLengthStrings() const
{
    hsize_t idx = 0;
    const herr_t found = H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_NATIVE, &idx, findVariableLengthString, nullptr);
    if (found < 0)
        fail(withDetail("cannot list attributes"));
    return found > 0;
}

// One lookup by name (libhdf5 scans the object header for it); the second,
// to tell a missing attribute from a broken one, only on failure.
Id Object::openAttribute(const std::string& name) const
{
    Id a(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a.valid()) {
        if (!hasAttribute(name))
            fail("missing attribute '" + name + "'");
        failAttribute(name, withDetail("cannot open"));
    }
    return a;
}

H5T_class_t Object::attributeClass(const std::string& name) const
{
    Id a = openAttribute(name);
    Id t(H5Aget_type(a.get()), H5Tclose);
    return H5Tget_class(t.get());
}

std::vector<int64_t> Object::intsAttribute(const std::string& name) const
{
    Id a = openAttribute(name);
    Id t(H5Aget_type(a.get()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_INTEGER)
        failAttribute(name, "expected integers, found " + h5::typeName(t.get()));
    Id s(H5Aget_space(a.get()), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(s.get());
    if (n < 0 || n > (1 << 20))
        failAttribute(name, "unreadable size");
    std::vector<int64_t> values(static_cast<size_t>(n));
    if (n > 0 && H5Aread(a.get(), H5T_NATIVE_INT64, values.data()) < 0)
        failAttribute(name, withDetail("cannot read"));
    return values;
}

int64_t Object::intAttribute(const std::string& name) const
{
    const std::vector<int64_t> v = intsAttribute(name);
    if (v.size() != 1)
        failAttribute(name, "expected one integer, found " + std::to_string(v.size()) + " values");
    return v[0];
}

double Object::doubleAttribute(const std::string& name) const
{
    Id a = openAttribute(name);
    Id t(H5Aget_type(a.get()), H5Tclose);
    const H5T_class_t c = H5Tget_class(t.get());
    if (c != H5T_INTEGER && c != H5T_FLOAT)
        failAttribute(name, "expected a number, found " + h5::typeName(t.get()));
    Id s(H5Aget_space(a.get()), H5Sclose);
    if (H5Sget_simple_extent_npoints(s.get()) != 1)
        failAttribute(name, "expected one number");
    double v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0)
        failAttribute(name, withDetail("cannot read"));
    return v;
}

std::vector<std::string> Object::readStrings(hid_t attr, const std::string& name) const
{
    Id ftype(H5Aget_type(attr), H5Tclose);
    if (H5Tget_class(ftype.get()) != H5T_STRING)
        failAttribute(name, "expected a string, found " + h5::typeName(ftype.get()));
    Id space(H5Aget_space(attr), H5Sclose);
    const hssize_t npoints = H5Sget_simple_extent_npoints(space.get());
    if (npoints < 0 || npoints > (1 << 20))
        failAttribute(name, "unreadable size");
    const auto n = static_cast<size_t>(npoints);
    std::vector<std::string> out;
    if (n == 0)
        return out;
    if (H5Tis_variable_str(ftype.get()) > 0) {
        Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mem.get(), H5T_VARIABLE);
        H5Tset_cset(mem.get(), H5Tget_cset(ftype.get()));
        std::vector<char*> ptrs(n, nullptr);
        isolatedNote(where() + ": attribute '" + name + "'"); // places a crash of the checking child
        const herr_t st = H5Aread(attr, mem.get(), ptrs.data());
        isolatedNote("");
        for (char* p : ptrs) {
            out.emplace_back(p ? p : "");
            if (p)
                H5free_memory(p);
        }
        if (st < 0)
            failAttribute(name, withDetail("cannot read"));
        return out;
    }
    const size_t size = H5Tget_size(ftype.get());
    Id mem(H5Tcopy(ftype.get()), H5Tclose);
    std::vector<char> buf(n * size);
    if (H5Aread(attr, mem.get(), buf.data()) < 0)
        failAttribute(name, withDetail("cannot read"));
    const bool spacePad = H5Tget_strpad(ftype.get()) == H5T_STR_SPACEPAD;
    for (size_t i = 0; i < n; ++i) {
        const char* p = buf.data() + i * size;
        std::string s(p, std::find(p, p + size, '\0'));
        if (spacePad)
            s.erase(s.find_last_not_of(' ') + 1);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<std::string> Object::stringsAttribute(const std::string& name) const
{
    Id a = openAttribute(name);
    return readStrings(a.get(), name);
}

std::string Object::stringAttribute(const std::string& name) const
{
    const std::vector<std::string> v = stringsAttribute(name);
    if (v.size() != 1)
        failAttribute(name, "expected one string, found " + std::to_string(v.size()) + " values");
    return v[0];
}

namespace {

void writeAttr(const Object& o, const std::string& name, hid_t fileType, hid_t space, hid_t memType, const void* data)
{
    if (o.hasAttribute(name))
        H5Adelete(o.id(), name.c_str());
    Id a(H5Acreate2(o.id(), name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (!a.valid() || H5Awrite(a.get(), memType, data) < 0)
        o.fail(withDetail("cannot write attribute '" + name + "'"));
}

} // namespace

void Object::writeAttribute(const std::string& name, const std::string& value) const
{
    Id t = fixedUtf8StringType(value.size());
    Id s = scalarSpace();
    std::vector<char> bytes(std::max<size_t>(value.size(), 1), '\0');
    std::copy(value.begin(), value.end(), bytes.begin());
    writeAttr(*this, name, t.get(), s.get(), t.get(), bytes.data());
}

void Object::writeAttribute(const std::string& name, const std::vector<std::string>& values) const
{
    size_t width = 1;
    for (const std::string& v : values)
        width = std::max(width, v.size());
    Id t = fixedUtf8StringType(width);
    Id s = vectorSpace(values.size());
    std::vector<char> bytes(std::max<size_t>(values.size(), 1) * width, '\0');
    for (size_t i = 0; i < values.size(); ++i)
        std::copy(values[i].begin(), values[i].end(), bytes.begin() + long(i * width));
    writeAttr(*this, name, t.get(), s.get(), t.get(), bytes.data());
}

void Object::writeAttribute(const std::string& name, int32_t value) const
{
    Id s = scalarSpace();
    writeAttr(*this, name, H5T_STD_I32LE, s.get(), H5T_NATIVE_INT32, &value);
}

void Object::writeAttribute(const std::string& name, const std::vector<int32_t>& values) const
{
    Id s = vectorSpace(values.size());
    const int32_t none = 0;
    writeAttr(*this, name, H5T_STD_I32LE, s.get(), H5T_NATIVE_INT32, values.empty() ? &none : values.data());
}

void Object::writeAttribute(const std::string& name, double value) const
{
    Id s = scalarSpace();
    writeAttr(*this, name, H5T_IEEE_F64LE, s.get(), H5T_NATIVE_DOUBLE, &value);
}

// ---- datasets ---------------------------------------------------------------

std::vector<hsize_t> Object::dims() const
{
    Id s(H5Dget_space(id()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(s.get());
    if (rank < 0)
        fail(withDetail("cannot read the shape"));
    std::vector<hsize_t> d(static_cast<size_t>(rank));
    if (rank > 0)
        H5Sget_simple_extent_dims(s.get(), d.data(), nullptr);
    return d;
}

std::string Object::dimsText() const
{
    std::string t = "[";
    for (hsize_t d : dims())
        t += (t.size() > 1 ? ", " : "") + std::to_string(d);
    return t + "]";
}

Id Object::type() const
{
    return Id(H5Dget_type(id()), H5Tclose);
}

H5T_class_t Object::typeClass() const
{
    return H5Tget_class(type().get());
}

size_t Object::typeSize() const
{
    return H5Tget_size(type().get());
}

bool Object::isSigned() const
{
    return H5Tget_sign(type().get()) == H5T_SGN_2;
}

std::string Object::typeName() const
{
    return h5::typeName(type().get());
}

template <class T>
std::vector<T> Object::read(size_t count) const
{
    Id s(H5Dget_space(id()), H5Sclose);
    if (H5Sget_simple_extent_npoints(s.get()) != static_cast<hssize_t>(count))
        fail("expected " + std::to_string(count) + " values, found shape " + dimsText());
    std::vector<T> values(count);
    if (count > 0 && H5Dread(id(), nativeType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
        fail(withDetail("cannot read"));
    return values;
}

template <class T>
std::vector<T> Object::readFirstRows(hsize_t rows) const
{
    const std::vector<hsize_t> d = dims();
    if (d.empty() || rows > d[0])
        fail("cannot read " + std::to_string(rows) + " rows of shape " + dimsText());
    std::vector<hsize_t> start(d.size(), 0), count = d;
    count[0] = rows;
    hsize_t total = 1;
    for (hsize_t c : count)
        total *= c;
    std::vector<T> values(total);
    if (total == 0)
        return values;
    Id file(H5Dget_space(id()), H5Sclose);
    Id mem(H5Screate_simple(1, &total, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(file.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0
        || H5Dread(id(), nativeType<T>(), mem.get(), file.get(), H5P_DEFAULT, values.data()) < 0)
        fail(withDetail("cannot read"));
    return values;
}

hsize_t Object::storedBytes() const
{
    return H5Dget_storage_size(id());
}

haddr_t Object::contiguousOffset() const
{
    return H5Dget_offset(id());
}

template std::vector<uint8_t> Object::readFirstRows<uint8_t>(hsize_t) const;
template std::vector<int64_t> Object::readFirstRows<int64_t>(hsize_t) const;

template std::vector<int8_t> Object::read<int8_t>(size_t) const;
template std::vector<uint8_t> Object::read<uint8_t>(size_t) const;
template std::vector<int32_t> Object::read<int32_t>(size_t) const;
template std::vector<int64_t> Object::read<int64_t>(size_t) const;
template std::vector<float> Object::read<float>(size_t) const;

void Object::writeRawDataset(const std::string& name, const std::vector<hsize_t>& dims, hid_t memType, hid_t fileType,
                             const void* data, bool compress) const
{
    const int rank = static_cast<int>(dims.size());
    Id space(rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims.data(), nullptr), H5Sclose);
    hsize_t count = 1;
    for (hsize_t d : dims)
        count *= d;
    Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (compress && rank > 0 && count > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        // Chunks of whole rows along the first axis, about 1 MiB each.
        std::vector<hsize_t> chunk = dims;
        const hsize_t rowBytes = count / dims[0] * H5Tget_size(fileType);
        chunk[0] = std::clamp<hsize_t>((hsize_t{1} << 20) / std::max<hsize_t>(rowBytes, 1), 1, dims[0]);
        if (rowBytes * chunk[0] < (hsize_t{1} << 31)) {
            H5Pset_chunk(dcpl.get(), rank, chunk.data());
            H5Pset_deflate(dcpl.get(), 4);
        }
    }
    Id d(H5Dcreate2(id(), name.c_str(), fileType, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
    if (!d.valid() || (count > 0 && H5Dwrite(d.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
        throw std::runtime_error(*file_ + ": " + withDetail(childPath(name) + ": cannot write"));
}

template <class T>
void Object::writeDataset(const std::string& name, const std::vector<hsize_t>& dims, const T* data, bool compress) const
{
    writeRawDataset(name, dims, nativeType<T>(), fileType<T>(), data, compress);
}

template void Object::writeDataset<int8_t>(const std::string&, const std::vector<hsize_t>&, const int8_t*, bool) const;
template void Object::writeDataset<uint8_t>(const std::string&, const std::vector<hsize_t>&, const uint8_t*,
                                            bool) const;
template void Object::writeDataset<int32_t>(const std::string&, const std::vector<hsize_t>&, const int32_t*,
                                            bool) const;
template void Object::writeDataset<float>(const std::string&, const std::vector<hsize_t>&, const float*, bool) const;

} // namespace axbnn::h5
