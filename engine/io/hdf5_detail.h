// Helpers shared by the HDF5 wrapper's translation units (hdf5_io.cpp,
// hdf5_data.cpp); not part of the h5 interface.
#pragma once

#include "io/hdf5_io.h"

#include <algorithm>
#include <string>
#include <type_traits>

namespace axbnn::h5::detail {

template <class T>
inline hid_t nativeType()
{
    if constexpr (std::is_same_v<T, int8_t>)
        return H5T_NATIVE_INT8;
    else if constexpr (std::is_same_v<T, uint8_t>)
        return H5T_NATIVE_UINT8;
    else if constexpr (std::is_same_v<T, int32_t>)
        return H5T_NATIVE_INT32;
    else if constexpr (std::is_same_v<T, int64_t>)
        return H5T_NATIVE_INT64;
    else if constexpr (std::is_same_v<T, float>)
        return H5T_NATIVE_FLOAT;
    else
        static_assert(sizeof(T) == 0, "unsupported element type");
}

template <class T>
inline hid_t fileType()
{
    if constexpr (std::is_same_v<T, int8_t>)
        return H5T_STD_I8LE;
    else if constexpr (std::is_same_v<T, uint8_t>)
        return H5T_STD_U8LE;
    else if constexpr (std::is_same_v<T, int32_t>)
        return H5T_STD_I32LE;
    else if constexpr (std::is_same_v<T, float>)
        return H5T_IEEE_F32LE;
    else
        static_assert(sizeof(T) == 0, "unsupported element type");
}

inline std::string withDetail(const std::string& text)
{
    const std::string d = errorDetail();
    return d.empty() ? text : text + " (" + d + ")";
}

inline Id scalarSpace()
{
    return Id(H5Screate(H5S_SCALAR), H5Sclose);
}

inline Id vectorSpace(hsize_t n)
{
    return n == 0 ? Id(H5Screate(H5S_NULL), H5Sclose) : Id(H5Screate_simple(1, &n, nullptr), H5Sclose);
}

// Fixed-length UTF-8 of `size` bytes (at least 1), NUL padded: what the
// workbench writes. Variable-length strings live in the file's global heap,
// whose corrupt object lengths crash libhdf5 1.10 while reading.
inline Id fixedUtf8StringType(size_t size)
{
    Id t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.get(), std::max<size_t>(size, 1));
    H5Tset_strpad(t.get(), H5T_STR_NULLPAD);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
    return t;
}

} // namespace axbnn::h5::detail
