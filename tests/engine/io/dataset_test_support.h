// Helpers shared by the dataset suites (test_dataset for Fashion-MNIST and
// IDX files, test_dataset_h5 for HDF5 dataset files).
#pragma once

#include "io/dataset.h"
#include "io/idx_file.h"

#include <QString>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace axbnn::test {

inline bool fashionMnistInstalled()
{
    return std::filesystem::exists(std::filesystem::path(kFashionMnistDir) / "t10k-images-idx3-ubyte.gz")
        && std::filesystem::exists(std::filesystem::path(kFashionMnistDir) / "train-labels-idx1-ubyte.gz");
}

template <class F>
inline QString errorOf(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

inline IdxArray ramp(std::vector<uint32_t> dims, int modulo = 256)
{
    IdxArray a{std::move(dims), {}};
    size_t n = 1;
    for (uint32_t d : a.dims)
        n *= d;
    for (size_t i = 0; i < n; ++i)
        a.data.push_back(uint8_t((i * 7 + 1) % size_t(modulo)));
    return a;
}

inline void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline Dataset smallDataset()
{
    Dataset d;
    d.shape = {4, 3, 2};
    d.count = 5;
    for (int i = 0; i < d.count * d.shape.size(); ++i)
        d.images.push_back(uint8_t(i * 13));
    d.labels = {0, 2, 1, 2, 0};
    d.classNames = {"zero", "one", "two"};
    d.source = "test";
    return d;
}

inline void checkFashionMnist(const Dataset& d, int count)
{
    QCOMPARE(d.count, count);
    QCOMPARE(d.shape, (Shape{28, 28, 1}));
    QCOMPARE(d.images.size(), size_t(count) * 784);
    QCOMPARE(d.labels.size(), size_t(count));
    QCOMPARE(d.classes(), 10);
    QCOMPARE(d.classNames.front(), std::string("T-shirt/top"));
    QCOMPARE(d.classNames.back(), std::string("Ankle boot"));
    std::vector<int> perClass(10, 0);
    for (uint8_t l : d.labels) {
        QVERIFY(l < 10);
        ++perClass[l];
    }
    for (int n : perClass)
        QCOMPARE(n, count / 10);
    QCOMPARE(d.image(count - 1).size(), size_t(784));
    validateDataset(d);
}

} // namespace axbnn::test
