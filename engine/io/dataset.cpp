// Dataset loaders: IDX pairs (Fashion-MNIST and other MNIST-style
// directories), the HDF5 layout of docs/dataset-format.md, and the spec
// strings the CLI and GUI accept.
#include "io/dataset.h"

#include "io/hdf5_io.h"
#include "io/hdf5_isolation.h"
#include "io/idx_file.h"

#include "util/input_limits.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace axbnn {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDatasetFormat = "axbnn-dataset";
constexpr int kDatasetFormatVersion = 1;
constexpr uint64_t kMaxDim = 65535;
constexpr uint64_t kMaxBytes = uint64_t{1} << 34;

std::vector<std::string> digitNames(const std::vector<uint8_t>& labels)
{
    const int top = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end());
    std::vector<std::string> names;
    for (int i = 0; i <= top; ++i)
        names.push_back(std::to_string(i));
    return names;
}

// Index of the first label that is not a class, or -1.
long firstBadLabel(const std::vector<uint8_t>& labels, size_t classes)
{
    for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= classes)
            return static_cast<long>(i);
    return -1;
}

std::string shapeText(const Shape& s)
{
    return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" + std::to_string(s.channels);
}

// `dir`/`name`.gz if present, else `dir`/`name` if present, else "".
std::string findIdx(const std::string& dir, const std::string& name)
{
    for (const std::string& candidate : {name + ".gz", name})
        if (fs::is_regular_file(fs::path(dir) / candidate))
            return (fs::path(dir) / candidate).string();
    return {};
}

std::vector<std::string> readClassNamesFile(const fs::path& path)
{
    std::ifstream in(path);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        names.push_back(line);
    }
    while (!names.empty() && names.back().empty())
        names.pop_back();
    if (names.empty())
        throw std::runtime_error(path.string() + ": no class names (expected one per line)");
    return names;
}

Dataset loadSplit(const std::string& dir, bool test, std::vector<std::string> classNames, const std::string& who,
                  const std::string& hint, int limit)
{
    const std::string prefix = test ? "t10k" : "train";
    std::string paths[2];
    const char* kinds[2] = {"-images-idx3-ubyte", "-labels-idx1-ubyte"};
    for (int i = 0; i < 2; ++i) {
        paths[i] = findIdx(dir, prefix + kinds[i]);
        if (paths[i].empty())
            throw std::runtime_error(who + ": " + (fs::path(dir) / (prefix + kinds[i] + ".gz")).string() + " not found"
                                     + hint);
    }
    Dataset d = loadIdxDataset(paths[0], paths[1], std::move(classNames), limit);
    d.source = who + (test ? ":test" : ":train");
    return d;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

const std::vector<std::string>& fashionMnistClassNames()
{
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

void validateDataset(const Dataset& d)
{
    const auto fail = [](const std::string& what) { throw std::invalid_argument("dataset: " + what); };
    if (d.shape.height < 1 || d.shape.width < 1 || d.shape.channels < 1 || uint64_t(d.shape.height) > kMaxDim
        || uint64_t(d.shape.width) > kMaxDim || uint64_t(d.shape.channels) > kMaxDim)
        fail("image shape " + shapeText(d.shape) + " must have dimensions 1.." + std::to_string(kMaxDim));
    if (d.count < 0)
        fail("negative image count");
    if (d.images.size()
        != uint64_t(d.count) * uint64_t(d.shape.height) * uint64_t(d.shape.width) * uint64_t(d.shape.channels))
        fail(std::to_string(d.images.size()) + " pixels for " + std::to_string(d.count) + " images of "
             + shapeText(d.shape));
    if (d.labels.size() != size_t(d.count))
        fail(std::to_string(d.labels.size()) + " labels for " + std::to_string(d.count) + " images");
    if (d.classNames.empty() || d.classNames.size() > 256)
        fail("needs 1 to 256 class names, has " + std::to_string(d.classNames.size()));
    if (const long i = firstBadLabel(d.labels, d.classNames.size()); i >= 0)
        fail("label " + std::to_string(d.labels[size_t(i)]) + " of image " + std::to_string(i)
             + " is not below the class count " + std::to_string(d.classNames.size()));
}

Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       std::vector<std::string> classNames, int limit)
{
    if (limit < 0)
        throw std::invalid_argument("image limit must be 0 (all) or positive");
    IdxArray images = readIdxFile(imagesPath, static_cast<uint64_t>(limit), IdxKind::Images);
    IdxArray labels = readIdxFile(labelsPath, static_cast<uint64_t>(limit), IdxKind::Labels);
    if (images.dims.size() != 3 && images.dims.size() != 4)
        throw std::runtime_error(imagesPath
                                 + ": expected images of 3 (n x H x W) or 4 (n x H x W x C) dimensions, found "
                                 + std::to_string(images.dims.size()));
    if (labels.dims.size() != 1)
        throw std::runtime_error(labelsPath + ": expected labels of 1 dimension, found "
                                 + std::to_string(labels.dims.size()));
    for (size_t i = 1; i < images.dims.size(); ++i)
        if (images.dims[i] < 1 || images.dims[i] > kMaxDim)
            throw std::runtime_error(imagesPath + ": image dimension " + std::to_string(images.dims[i])
                                     + " out of range 1.." + std::to_string(kMaxDim));
    if (images.dims[0] > uint32_t(std::numeric_limits<int>::max()))
        throw std::runtime_error(imagesPath + ": too many images");
    if (images.dims[0] != labels.dims[0])
        throw std::runtime_error(imagesPath + " has " + std::to_string(images.dims[0]) + " images but " + labelsPath
                                 + " has " + std::to_string(labels.dims[0]) + " labels");
    if (classNames.empty())
        classNames = digitNames(labels.data);
    if (const long i = firstBadLabel(labels.data, classNames.size()); i >= 0)
        throw std::runtime_error(labelsPath + ": label " + std::to_string(labels.data[size_t(i)]) + " at index "
                                 + std::to_string(i) + " is not below the class count "
                                 + std::to_string(classNames.size()));
    Dataset d;
    d.shape = {int(images.dims[1]), int(images.dims[2]), images.dims.size() == 4 ? int(images.dims[3]) : 1};
    d.count = int(images.items());
    d.images = std::move(images.data);
    d.labels = std::move(labels.data);
    d.classNames = std::move(classNames);
    d.source = imagesPath;
    return d;
}

Dataset loadFashionMnist(const std::string& dir, bool test, int limit)
{
    const bool packageDir = fs::path(dir).lexically_normal() == fs::path(kFashionMnistDir);
    return loadSplit(dir, test, fashionMnistClassNames(), "fashion-mnist",
                     packageDir ? "; install the Debian package dataset-fashion-mnist" : "", limit);
}

Dataset loadIdxDirectory(const std::string& dir, bool test, int limit)
{
    std::vector<std::string> names;
    std::string base = fs::path(dir).lexically_normal().filename().string();
    if (base.empty())
        base = fs::path(dir).lexically_normal().parent_path().filename().string();
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    if (fs::is_regular_file(fs::path(dir) / "class_names.txt"))
        names = readClassNamesFile(fs::path(dir) / "class_names.txt");
    else if (base.find("fashion") != std::string::npos)
        names = fashionMnistClassNames();
    return loadSplit(dir, test, std::move(names), dir, "", limit);
}

namespace {

// A dataset that promises more bytes than the file can hold is refused
// before anything is allocated: contiguous data must lie inside the file,
// and chunked data cannot expand more than deflate can.
void checkStorage(const h5::Object& d, uint64_t declared, const std::string& path)
{
    std::error_code ec;
    const uint64_t fileBytes = fs::file_size(path, ec);
    const uint64_t stored = d.storedBytes();
    const haddr_t offset = d.contiguousOffset();
    const auto refuse = [&](const std::string& why) {
        d.fail("declares " + d.dimsText() + " (" + std::to_string(declared) + " bytes) but " + why
               + "; the file is truncated or corrupt");
    };
    if (ec || declared == 0)
        return;
    if (offset != HADDR_UNDEF && (offset > fileBytes || stored > fileBytes - offset))
        refuse("the file of " + std::to_string(fileBytes) + " bytes ends before its data");
    if (stored == 0 || declared / kMaxHdf5ExpansionRatio > stored)
        refuse("the file stores only " + std::to_string(stored) + " bytes of it (at most "
               + std::to_string(kMaxHdf5ExpansionRatio) + " times that can be compressed data)");
}

Dataset readDatasetH5(const std::string& path, int limit)
{
    const h5::Object root = h5::openFile(path);
    for (const char* name : {"images", "labels"})
        if (!root.has(name))
            root.fail(std::string("no dataset '") + name + "'; an HDF5 dataset file holds /images and /labels");
    const h5::Object images = root.open("images");
    if (images.kind() != h5::Kind::Dataset)
        images.fail("expected a dataset");
    if (images.typeClass() != H5T_INTEGER || images.typeSize() != 1 || images.isSigned())
        images.fail(
            "expected uint8 pixels 0..255, found " + images.typeName()
            + (images.typeClass() == H5T_FLOAT ? " (scale to 0..255 and convert with .astype(numpy.uint8))" : ""));
    const std::vector<hsize_t> dims = images.dims();
    if (dims.size() != 3 && dims.size() != 4)
        images.fail("expected shape [n, height, width, channels] or [n, height, width], found " + images.dimsText());
    uint64_t imageBytes = 1;
    for (size_t i = 1; i < dims.size(); ++i) {
        if (dims[i] < 1 || dims[i] > kMaxDim)
            images.fail("image dimension " + std::to_string(dims[i]) + " out of range 1.." + std::to_string(kMaxDim));
        imageBytes *= dims[i];
    }
    if (dims[0] > uint64_t(std::numeric_limits<int>::max()) || dims[0] > kMaxBytes / imageBytes)
        images.fail("too large (" + images.dimsText() + ")");
    checkStorage(images, dims[0] * imageBytes, path);
    const hsize_t count = limit > 0 ? std::min<hsize_t>(dims[0], hsize_t(limit)) : dims[0];

    const h5::Object labels = root.open("labels");
    if (labels.kind() != h5::Kind::Dataset || labels.typeClass() != H5T_INTEGER)
        labels.fail("expected integer class labels");
    if (labels.dims() != std::vector<hsize_t>{dims[0]})
        labels.fail("expected shape [" + std::to_string(dims[0]) + "] (one label per image), found "
                    + labels.dimsText());
    checkStorage(labels, dims[0] * labels.typeSize(), path);
    const std::vector<int64_t> wide = labels.readFirstRows<int64_t>(count);

    Dataset d;
    d.classNames = root.hasAttribute("class_names") ? root.stringsAttribute("class_names") : std::vector<std::string>{};
    if (d.classNames.size() > 256)
        root.fail("attribute 'class_names': at most 256 classes, found " + std::to_string(d.classNames.size()));
    const int64_t classes = d.classNames.empty() ? 256 : int64_t(d.classNames.size());
    for (size_t i = 0; i < wide.size(); ++i)
        if (wide[i] < 0 || wide[i] >= classes)
            labels.fail("label " + std::to_string(wide[i]) + " at index " + std::to_string(i) + " is not a class (0.."
                        + std::to_string(classes - 1) + (d.classNames.empty() ? "" : ", from class_names") + ")");
    d.labels.assign(wide.begin(), wide.end());
    if (d.classNames.empty())
        d.classNames = digitNames(d.labels);
    d.shape = {int(dims[1]), int(dims[2]), dims.size() == 4 ? int(dims[3]) : 1};
    d.count = int(count);
    d.images = images.readFirstRows<uint8_t>(count);
    d.source = path;
    return d;
}

} // namespace

void saveDatasetH5(const Dataset& d, const std::string& path)
{
    try {
        validateDataset(d);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path + ": not saved: " + e.what());
    }
    h5::NewFile file(path);
    {
        const h5::Object& root = file.root();
        root.writeAttribute("format", std::string(kDatasetFormat));
        root.writeAttribute("format_version", int32_t(kDatasetFormatVersion));
        root.writeAttribute("class_names", d.classNames);
        const auto n = hsize_t(d.count);
        root.writeDataset<uint8_t>("images",
                                   {n, hsize_t(d.shape.height), hsize_t(d.shape.width), hsize_t(d.shape.channels)},
                                   d.images.data(), true);
        root.writeDataset<uint8_t>("labels", {n}, d.labels.data(), true);
    }
    file.commit();
}

Dataset loadDatasetH5(const std::string& path, int limit)
{
    if (limit < 0)
        throw std::invalid_argument("image limit must be 0 (all) or positive");
    // libhdf5 can crash on corrupt files (string data, attribute lists,
    // chunks): a child reads the same images first (io/hdf5_isolation.h).
    h5::verifyInChild(path, [&] { (void)readDatasetH5(path, limit); });
    return readDatasetH5(path, limit);
}

Dataset loadDataset(const std::string& spec, int limit)
{
    if (spec.empty())
        throw std::runtime_error("no dataset given (expected fashion-mnist, fashion-mnist:train, a directory of IDX "
                                 "files or an HDF5 dataset file)");
    std::string base = spec;
    bool test = true;
    bool split = false;
    if (!fs::exists(spec)) {
        for (const auto& [suffix, isTest] : {std::pair<std::string, bool>{":test", true}, {":train", false}})
            if (endsWith(spec, suffix)) {
                base = spec.substr(0, spec.size() - suffix.size());
                test = isTest;
                split = true;
            }
    }
    if (base == "fashion-mnist")
        return loadFashionMnist(kFashionMnistDir, test, limit);
    if (fs::is_directory(base))
        return loadIdxDirectory(base, test, limit);
    if (fs::is_regular_file(base)) {
        if (split)
            throw std::runtime_error(spec + ": an HDF5 dataset file has no train/test split; drop the '"
                                     + spec.substr(base.size()) + "'");
        return loadDatasetH5(base, limit);
    }
    throw std::runtime_error(spec
                             + ": no such dataset (expected fashion-mnist, fashion-mnist:train, a directory "
                               "of IDX files or an HDF5 dataset file)");
}

} // namespace axbnn
