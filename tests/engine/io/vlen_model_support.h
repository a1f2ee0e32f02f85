// Model files with variable-length strings, as the workbench wrote them
// before it switched to fixed-length strings (and as h5py writes a str), and
// the corruption of their string data that crashes libhdf5 1.10.8 (issue 20):
// derived from a freshly saved model, so no binary file is checked in.
// Suites that include this link HDF5::HDF5.
#pragma once

#include "io/hdf5_io.h"
#include "io/model_file.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace axbnn::testing {

// Rewrites every string attribute of `object` (a path in the file) as
// variable-length UTF-8 strings of the same shape. False on any failure.
inline bool makeAttributesVariableLength(hid_t file, const char* object)
{
    h5::Id o(H5Oopen(file, object, H5P_DEFAULT), H5Oclose);
    if (!o.valid())
        return false;
    const h5::Object obj(std::make_shared<const std::string>("vlen"), object, std::move(o), h5::Kind::Group);
    for (const std::string& name : obj.attributeNames()) {
        if (obj.attributeClass(name) != H5T_STRING)
            continue;
        const std::vector<std::string> values = obj.stringsAttribute(name);
        h5::Id a(H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT), H5Aclose);
        h5::Id space(H5Aget_space(a.get()), H5Sclose);
        a.reset();
        if (H5Adelete(obj.id(), name.c_str()) < 0)
            return false;
        h5::Id type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(type.get(), H5T_VARIABLE);
        H5Tset_cset(type.get(), H5T_CSET_UTF8);
        std::vector<const char*> ptrs;
        for (const std::string& v : values)
            ptrs.push_back(v.c_str());
        const char* none = nullptr;
        h5::Id na(H5Acreate2(obj.id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        if (!na.valid() || H5Awrite(na.get(), type.get(), ptrs.empty() ? &none : ptrs.data()) < 0)
            return false;
    }
    return true;
}

// Saves `model` at `path` with variable-length strings everywhere the loader
// reads strings: the root first (its 'format' becomes the first object of
// the file's first global heap collection), then /meta and the layers.
inline bool saveVariableLengthModel(const Model& model, const std::string& path)
{
    saveModel(model, path);
    h5::silenceErrors();
    h5::Id file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    if (!file.valid() || !makeAttributesVariableLength(file.get(), "/")
        || !makeAttributesVariableLength(file.get(), "/meta"))
        return false;
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const std::string index = (i < 10 ? "0" : "") + std::to_string(i);
        const std::string group = "/layers/" + index + "_" + model.layers[i].name;
        if (!makeAttributesVariableLength(file.get(), group.c_str()))
            return false;
    }
    return true;
}

// The reproducer of issue 20: in the first global heap collection ("GCOL",
// then version, 3 reserved bytes, 8 bytes of size), the first object
// (16 bytes further: index 2, references 2, reserved 4, length 8) gets
// `value` in the top byte of its length. With 0x80 libhdf5 1.10.8 reads
// far past the collection and dies of SIGSEGV when the string is read.
inline bool corruptFirstHeapObjectLength(const std::string& path, unsigned char value = 0x80)
{
    std::vector<char> bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::string data(bytes.begin(), bytes.end());
    const size_t gcol = data.find("GCOL");
    const size_t at = gcol + 16 + 8 + 7;
    if (gcol == std::string::npos || at >= data.size())
        return false;
    bytes[at] = char(value);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    return bool(out);
}

} // namespace axbnn::testing
