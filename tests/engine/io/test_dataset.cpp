// Datasets: Fashion-MNIST from its Debian package, IDX files (plain and
// gzip), HDF5 dataset files, the spec strings, and their error messages.
#include "io/dataset.h"
#include "io/hdf5_io.h"
#include "io/idx_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <zlib.h>

using namespace axbnn;
namespace fs = std::filesystem;

namespace {

bool fashionMnistInstalled()
{
    return fs::exists(fs::path(kFashionMnistDir) / "t10k-images-idx3-ubyte.gz")
        && fs::exists(fs::path(kFashionMnistDir) / "train-labels-idx1-ubyte.gz");
}

template <class F>
QString errorOf(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

IdxArray ramp(std::vector<uint32_t> dims, int modulo = 256)
{
    IdxArray a{std::move(dims), {}};
    size_t n = 1;
    for (uint32_t d : a.dims)
        n *= d;
    for (size_t i = 0; i < n; ++i)
        a.data.push_back(uint8_t((i * 7 + 1) % size_t(modulo)));
    return a;
}

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

Dataset smallDataset()
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

void checkFashionMnist(const Dataset& d, int count)
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

} // namespace

class TestDataset : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const std::string& name) const
    {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

    // A directory with an MNIST-style test split (and, if `train`, a training split).
    std::string idxDir(const std::string& name, bool train, const std::string& classNames = "")
    {
        const std::string d = path(name);
        fs::create_directories(d);
        writeIdxFile(d + "/t10k-images-idx3-ubyte.gz", ramp({6, 5, 4}));
        writeIdxFile(d + "/t10k-labels-idx1-ubyte.gz", ramp({6}, 3));
        if (train) {
            writeIdxFile(d + "/train-images-idx3-ubyte", ramp({9, 5, 4}));
            writeIdxFile(d + "/train-labels-idx1-ubyte", ramp({9}, 3));
        }
        if (!classNames.empty())
            writeBytes(d + "/class_names.txt", classNames);
        return d;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void fashionMnistTestSplitHasThousandPerClass()
    {
        if (!fashionMnistInstalled())
            QSKIP("the Debian package dataset-fashion-mnist is not installed");
        const Dataset d = loadFashionMnist();
        checkFashionMnist(d, 10000);
        QCOMPARE(d.source, std::string("fashion-mnist:test"));
    }

    void fashionMnistTrainSplitHasSixThousandPerClass()
    {
        if (!fashionMnistInstalled())
            QSKIP("the Debian package dataset-fashion-mnist is not installed");
        const Dataset d = loadDataset("fashion-mnist:train");
        checkFashionMnist(d, 60000);
        QCOMPARE(d.source, std::string("fashion-mnist:train"));
    }

    void fashionMnistSpecIsTheTestSplit()
    {
        if (!fashionMnistInstalled())
            QSKIP("the Debian package dataset-fashion-mnist is not installed");
        const Dataset a = loadDataset("fashion-mnist");
        const Dataset b = loadDataset("fashion-mnist:test");
        QCOMPARE(a.count, 10000);
        QCOMPARE(a.labels, b.labels);
        QCOMPARE(a.images, b.images);
    }

    void missingFashionMnistNamesTheFile()
    {
        const QString error = errorOf([&] { loadFashionMnist(path("nowhere"), true); });
        QVERIFY2(error.startsWith("fashion-mnist: " + QString::fromStdString(path("nowhere"))
                                  + "/t10k-images-idx3-ubyte.gz not found"),
                 qPrintable(error));
    }

    void idxRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << "a-idx3-ubyte" << false;
        QTest::newRow("gzip") << "a-idx3-ubyte.gz" << true;
    }

    void idxRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(bool, gzip);
        const std::string file = path(name.toStdString());
        const IdxArray a = ramp({7, 3, 2});
        writeIdxFile(file, a);
        const std::string bytes = readBytes(file);
        QCOMPARE(bytes.substr(0, 2), gzip ? std::string("\x1f\x8b") : std::string("\0\0", 2));
        if (!gzip)
            QCOMPARE(bytes.substr(0, 8), std::string("\0\0\x08\x03\0\0\0\x07", 8));
        const IdxArray b = readIdxFile(file);
        QCOMPARE(b.dims, a.dims);
        QCOMPARE(b.data, a.data);
    }

    void badIdxFileIsRejected_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated plain") << "t-idx3-ubyte" << 0
                                         << "truncated: the header promises 10 x 4 x 4 = 160 bytes of data, the file "
                                            "holds 100";
        QTest::newRow("truncated gzip") << "t-idx3-ubyte.gz" << 0 << "truncated";
        QTest::newRow("bad magic") << "m-idx3-ubyte" << 1 << "not an IDX file (magic 0x12340803";
        QTest::newRow("float type") << "f-idx3-ubyte" << 2 << "IDX element type 0x0D is not supported";
        QTest::newRow("too many dims") << "d-idx3-ubyte" << 3 << "IDX files with 9 dimensions are not supported";
        QTest::newRow("trailing data") << "x-idx3-ubyte" << 4 << "unexpected data after the 160 bytes";
        QTest::newRow("short header") << "h-idx3-ubyte" << 5 << "truncated: no complete IDX header";
        QTest::newRow("missing") << "nothing-idx3-ubyte" << 6 << "not found";
        QTest::newRow("corrupt gzip") << "c-idx3-ubyte.gz" << 7 << "cannot read";
    }

    void badIdxFileIsRejected()
    {
        QFETCH(QString, name);
        QFETCH(int, damage);
        QFETCH(QString, expected);
        const std::string file = path(name.toStdString());
        writeIdxFile(file, ramp({10, 4, 4}));
        std::string plain = readBytes(path("ref-idx3-ubyte"));
        if (plain.empty()) {
            writeIdxFile(path("ref-idx3-ubyte"), ramp({10, 4, 4}));
            plain = readBytes(path("ref-idx3-ubyte"));
        }
        switch (damage) {
        case 0: {
            const std::string bytes = name.endsWith(".gz") ? readBytes(file) : plain;
            writeBytes(file, bytes.substr(0, name.endsWith(".gz") ? bytes.size() / 2 : 16 + 100));
            break;
        }
        case 1: writeBytes(file, "\x12\x34" + plain.substr(2)); break;
        case 2: plain[2] = 0x0D, writeBytes(file, plain); break;
        case 3: plain[3] = 9, writeBytes(file, plain); break;
        case 4: writeBytes(file, plain + "junk"); break;
        case 5: writeBytes(file, plain.substr(0, 10)); break;
        case 6: fs::remove(file); break;
        case 7: {
            std::string bytes = readBytes(file);
            for (size_t i = 12; i < bytes.size() - 8; ++i)
                bytes[i] = char(0xff - i);
            writeBytes(file, bytes);
            break;
        }
        }
        const QString error = errorOf([&] { readIdxFile(file); });
        QVERIFY2(error.startsWith(QString::fromStdString(file) + ": "), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    // A header that promises a million images costs nothing when ten are
    // wanted: only they are read (a 6 MB gzip file once allocated 4 GB
    // under --limit 10). A plain file is checked against its size at once.
    void aLimitReadsOnlyTheImagesAskedFor()
    {
        const IdxArray images = ramp({20, 28, 28}), labels = ramp({20}, 10);
        // The IDX bytes of `a` with a header that promises a million items.
        const auto promising = [](const IdxArray& a) {
            std::string raw = {0, 0, 8, char(a.dims.size())};
            for (size_t i = 0; i < a.dims.size(); ++i)
                for (int shift : {24, 16, 8, 0})
                    raw.push_back(char(((i == 0 ? 1'000'000u : a.dims[i]) >> shift) & 0xff));
            return raw.append(reinterpret_cast<const char*>(a.data.data()), a.data.size());
        };
        const auto gzipTo = [](const std::string& file, const std::string& raw) {
            gzFile g = gzopen(file.c_str(), "wb");
            QVERIFY(g);
            QCOMPARE(gzwrite(g, raw.data(), static_cast<unsigned>(raw.size())), static_cast<int>(raw.size()));
            QCOMPARE(gzclose(g), Z_OK);
        };
        const std::string plain = path("big-idx3-ubyte"), gzImages = path("big-idx3-ubyte.gz"),
                          gzLabels = path("big-idx1-ubyte.gz");
        writeBytes(plain, promising(images));
        gzipTo(gzImages, promising(images));
        gzipTo(gzLabels, promising(labels));

        QVERIFY(errorOf([&] { readIdxFile(plain, 10); }).contains("the header promises 1000000 x 28 x 28"));
        const IdxArray ten = readIdxFile(gzImages, 10);
        QCOMPARE(ten.dims, (std::vector<uint32_t>{1'000'000, 28, 28}));
        QCOMPARE(ten.items(), uint64_t{10});
        QCOMPARE(ten.data, std::vector<uint8_t>(images.data.begin(), images.data.begin() + 10 * 784));
        const Dataset d = loadIdxDataset(gzImages, gzLabels, {}, 10);
        QCOMPARE(d.count, 10);
        QCOMPARE(d.images.size(), size_t{10 * 784});
        QCOMPARE(d.labels, std::vector<uint8_t>(labels.data.begin(), labels.data.begin() + 10));
        validateDataset(d);
        // Without a limit the promise is checked, and fails on the missing data.
        QVERIFY(errorOf([&] { readIdxFile(gzImages); }).contains("truncated"));
    }

    void idxDirectoryLoadsBothSplitsWithClassNames()
    {
        const std::string d = idxDir("mine", true, "red\ngreen\r\nblue\n\n");
        const Dataset test = loadDataset(d);
        QCOMPARE(test.count, 6);
        QCOMPARE(test.shape, (Shape{5, 4, 1}));
        QCOMPARE(test.classNames, (std::vector<std::string>{"red", "green", "blue"}));
        QCOMPARE(test.images, ramp({6, 5, 4}).data);
        QCOMPARE(test.labels, ramp({6}, 3).data);
        QCOMPARE(test.source, d + ":test");
        const Dataset train = loadDataset(d + ":train");
        QCOMPARE(train.count, 9);
        QCOMPARE(train.source, d + ":train");
    }

    void idxDirectoryClassNamesFallBackToFashionOrDigits()
    {
        QCOMPARE(loadIdxDirectory(idxDir("my-fashion-copy", false)).classNames, fashionMnistClassNames());
        QCOMPARE(loadIdxDirectory(idxDir("digits", false)).classNames, (std::vector<std::string>{"0", "1", "2"}));
        const QString error = errorOf([&] { loadDataset(idxDir("testonly", false) + ":train"); });
        QVERIFY2(error.contains("train-images-idx3-ubyte.gz not found"), qPrintable(error));
    }

    void inconsistentIdxPairIsRejected_data()
    {
        QTest::addColumn<int>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("count mismatch") << 0 << "has 6 images but";
        QTest::newRow("label too large")
            << 1 << "t10k-labels-idx1-ubyte.gz: label 3 at index 2 is not below the class count 3";
        // Issue 20: what the file holds, from its magic, against what was expected.
        QTest::newRow("labels 2-D")
            << 2
            << "t10k-labels-idx1-ubyte.gz: holds a 2-dimensional array (IDX magic 0x00000802), expected labels "
               "(0x00000801)";
        QTest::newRow("images 1-D")
            << 3
            << "t10k-images-idx3-ubyte.gz: holds labels (IDX magic 0x00000801), expected images (0x00000803, or "
               "0x00000804 with channels)";
        QTest::newRow("files swapped")
            << 4 << "t10k-images-idx3-ubyte.gz: holds labels (IDX magic 0x00000801), expected images";
        QTest::newRow("images as labels")
            << 5 << "t10k-labels-idx1-ubyte.gz: holds images (IDX magic 0x00000803), expected labels (0x00000801)";
        QTest::newRow("little-endian header")
            << 6
            << "t10k-images-idx3-ubyte: not an IDX file (magic 0x03080000, which is 0x00000803 byte-swapped: "
               "IDX headers are big-endian), expected images";
    }

    void inconsistentIdxPairIsRejected()
    {
        QFETCH(int, damage);
        QFETCH(QString, expected);
        const std::string d = idxDir("bad" + std::to_string(damage), false, "a\nb\nc\n");
        switch (damage) {
        case 0: writeIdxFile(d + "/t10k-labels-idx1-ubyte.gz", ramp({5}, 3)); break;
        case 1: writeIdxFile(d + "/t10k-labels-idx1-ubyte.gz", ramp({6}, 4)); break;
        case 2: writeIdxFile(d + "/t10k-labels-idx1-ubyte.gz", ramp({6, 1}, 3)); break;
        case 3: writeIdxFile(d + "/t10k-images-idx3-ubyte.gz", ramp({6})); break;
        case 4: {
            const std::string images = readBytes(d + "/t10k-images-idx3-ubyte.gz");
            fs::copy_file(d + "/t10k-labels-idx1-ubyte.gz", d + "/t10k-images-idx3-ubyte.gz",
                          fs::copy_options::overwrite_existing);
            writeBytes(d + "/t10k-labels-idx1-ubyte.gz", images);
            break;
        }
        case 5: writeIdxFile(d + "/t10k-labels-idx1-ubyte.gz", ramp({6, 5, 4}, 3)); break;
        case 6: {
            fs::remove(d + "/t10k-images-idx3-ubyte.gz");
            std::string plain = {3, 8, 0, 0}; // the header of 6 x 5 x 4 written little-endian
            for (uint32_t dim : {6u, 5u, 4u})
                for (int shift : {0, 8, 16, 24})
                    plain.push_back(char((dim >> shift) & 0xff));
            writeBytes(d + "/t10k-images-idx3-ubyte", plain + std::string(120, '\0'));
            break;
        }
        }
        const QString error = errorOf([&] { loadDataset(d); });
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void h5RoundTripIsIdentical()
    {
        const Dataset d = smallDataset();
        saveDatasetH5(d, path("small.h5"));
        const Dataset e = loadDataset(path("small.h5"));
        QCOMPARE(e.shape, d.shape);
        QCOMPARE(e.count, d.count);
        QCOMPARE(e.images, d.images);
        QCOMPARE(e.labels, d.labels);
        QCOMPARE(e.classNames, d.classNames);
        QCOMPARE(e.source, path("small.h5"));
    }

    void h5ThreeDimensionalImagesAndDigitNames()
    {
        {
            h5::NewFile f(path("plain.h5"));
            const std::vector<uint8_t> images(3 * 2 * 2, 9);
            const std::vector<int32_t> labels = {4, 0, 2};
            f.root().writeDataset<uint8_t>("images", {3, 2, 2}, images.data());
            f.root().writeDataset<int32_t>("labels", {3}, labels.data());
            f.commit();
        }
        const Dataset d = loadDatasetH5(path("plain.h5"));
        QCOMPARE(d.shape, (Shape{2, 2, 1}));
        QCOMPARE(d.labels, (std::vector<uint8_t>{4, 0, 2}));
        QCOMPARE(d.classNames, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
    }

    void badH5DatasetIsRejected_data()
    {
        QTest::addColumn<int>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("float images") << 0 << "/images: expected uint8 pixels 0..255, found float32";
        QTest::newRow("label not a class")
            << 1 << "/labels: label 3 at index 1 is not a class (0..2, from class_names)";
        QTest::newRow("label count") << 2 << "/labels: expected shape [5] (one label per image), found [4]";
        QTest::newRow("no labels") << 3 << "no dataset 'labels'; an HDF5 dataset file holds /images and /labels";
        QTest::newRow("images 2-D") << 4
                                    << "/images: expected shape [n, height, width, channels] or [n, height, width]";
        QTest::newRow("negative label") << 5 << "/labels: label -1 at index 0";
        QTest::newRow("not HDF5") << 6 << "not a readable HDF5 file";
    }

    void badH5DatasetIsRejected()
    {
        QFETCH(int, damage);
        QFETCH(QString, expected);
        const std::string file = path("bad" + std::to_string(damage) + ".h5");
        if (damage == 6) {
            writeBytes(file, std::string(3000, 'x'));
        } else {
            h5::NewFile f(file);
            const h5::Object& root = f.root();
            const std::vector<float> floats(5 * 4, 0.5f);
            const std::vector<uint8_t> pixels(5 * 4 * 3, 1);
            std::vector<int32_t> labels = {0, 1, 2, 0, 1};
            root.writeAttribute("class_names", std::vector<std::string>{"a", "b", "c"});
            if (damage == 0)
                root.writeDataset<float>("images", {5, 4}, floats.data());
            else if (damage == 4)
                root.writeDataset<uint8_t>("images", {5, 12}, pixels.data());
            else
                root.writeDataset<uint8_t>("images", {5, 4, 3}, pixels.data());
            if (damage == 1)
                labels[1] = 3;
            if (damage == 5)
                labels[0] = -1;
            if (damage != 3)
                root.writeDataset<int32_t>("labels", {damage == 2 ? 4u : 5u}, labels.data());
            f.commit();
        }
        const QString error = errorOf([&] { loadDatasetH5(file); });
        QVERIFY2(error.startsWith(QString::fromStdString(file) + ": "), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    // Issue 20: under a limit only the images asked for are read (a
    // hyperslab), and the first ones are the same as in a whole read.
    void h5LimitReadsOnlyTheFirstImages()
    {
        const Dataset d = smallDataset();
        saveDatasetH5(d, path("limited.h5"));
        const Dataset e = loadDataset(path("limited.h5"), 2);
        QCOMPARE(e.count, 2);
        QCOMPARE(e.shape, d.shape);
        const size_t bytes = size_t(d.shape.size()) * 2;
        QCOMPARE(e.images, std::vector<uint8_t>(d.images.begin(), d.images.begin() + long(bytes)));
        QCOMPARE(e.labels, std::vector<uint8_t>(d.labels.begin(), d.labels.begin() + 2));
        QCOMPARE(loadDatasetH5(path("limited.h5"), 1000).count, d.count);
    }

    // Issue 20: a dataset that declares far more images than the file holds
    // is refused before anything is allocated, even under a limit.
    void h5DeclaredSizeIsCheckedAgainstTheFile()
    {
        const std::string sparse = path("sparse.h5");
        {
            // 8 M images of 28x28 in 1-image chunks, only the first written:
            // every other chunk would read as the fill value (6 GB of zeros).
            h5::Id f(H5Fcreate(sparse.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
            const hsize_t dims[3] = {8000000, 28, 28}, chunk[3] = {1, 28, 28}, one[3] = {1, 28, 28};
            h5::Id space(H5Screate_simple(3, dims, nullptr), H5Sclose);
            h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
            H5Pset_chunk(dcpl.get(), 3, chunk);
            H5Pset_deflate(dcpl.get(), 4);
            h5::Id d(H5Dcreate2(f.get(), "images", H5T_STD_U8LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                     H5Dclose);
            const std::vector<uint8_t> pixels(28 * 28, 3);
            const hsize_t start[3] = {0, 0, 0};
            h5::Id mem(H5Screate_simple(3, one, nullptr), H5Sclose);
            H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, one, nullptr);
            QVERIFY(H5Dwrite(d.get(), H5T_NATIVE_UINT8, mem.get(), space.get(), H5P_DEFAULT, pixels.data()) >= 0);
            const hsize_t n = 8000000;
            h5::Id lspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
            h5::Id lcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
            const hsize_t lchunk = 4096;
            H5Pset_chunk(lcpl.get(), 1, &lchunk);
            h5::Id l(H5Dcreate2(f.get(), "labels", H5T_STD_U8LE, lspace.get(), H5P_DEFAULT, lcpl.get(), H5P_DEFAULT),
                     H5Dclose);
        }
        QVERIFY(fs::file_size(sparse) < 100000);
        const QString error = errorOf([&] { loadDataset(sparse, 10); });
        QVERIFY2(error.startsWith(QString::fromStdString(sparse)
                                  + ": /images: declares [8000000, 28, 28] (6272000000 "
                                    "bytes) but the file stores only "),
                 qPrintable(error));
        QVERIFY2(error.endsWith("; the file is truncated or corrupt"), qPrintable(error));

        // A truncated file.
        const std::string cut = path("cut.h5");
        {
            h5::NewFile f(cut);
            const std::vector<uint8_t> pixels(4000 * 16, 1);
            const std::vector<uint8_t> labels(4000, 0);
            f.root().writeDataset<uint8_t>("labels", {4000}, labels.data());
            f.root().writeDataset<uint8_t>("images", {4000, 4, 4}, pixels.data());
            f.commit();
        }
        fs::resize_file(cut, fs::file_size(cut) - 20000);
        // libhdf5 compares the end of file the superblock records first.
        const QString truncated = errorOf([&] { loadDataset(cut, 5); });
        QVERIFY2(truncated.startsWith(QString::fromStdString(cut) + ": not a readable HDF5 file (truncated file"),
                 qPrintable(truncated));
    }

    // Issue 20: h5py writes class names as variable-length strings; corrupt
    // string data is read in a child process first and refused by name.
    void h5CorruptClassNamesAreRefusedNotCrashed()
    {
        const std::string file = path("vlen_names.h5");
        saveDatasetH5(smallDataset(), file);
        {
            h5::Id f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
            const std::vector<std::string> names = h5::openFile(file).stringsAttribute("class_names");
            QVERIFY(H5Adelete(f.get(), "class_names") >= 0);
            h5::Id t(H5Tcopy(H5T_C_S1), H5Tclose);
            H5Tset_size(t.get(), H5T_VARIABLE);
            const hsize_t n = names.size();
            h5::Id s(H5Screate_simple(1, &n, nullptr), H5Sclose);
            std::vector<const char*> ptrs;
            for (const std::string& v : names)
                ptrs.push_back(v.c_str());
            h5::Id a(H5Acreate2(f.get(), "class_names", t.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
            QVERIFY(H5Awrite(a.get(), t.get(), ptrs.data()) >= 0);
        }
        QCOMPARE(loadDatasetH5(file).classNames, smallDataset().classNames); // still read
        std::string bytes = readBytes(file);
        const size_t gcol = bytes.find("GCOL");
        QVERIFY(gcol != std::string::npos);
        bytes[gcol + 16 + 8 + 7] = char(0x80);
        writeBytes(file, bytes);
        const QString error = errorOf([&] { loadDatasetH5(file); });
        QVERIFY2(error.startsWith(QString::fromStdString(file)
                                  + ": attribute 'class_names': corrupt "
                                    "variable-length string data: the HDF5 library"),
                 qPrintable(error));
        QVERIFY2(error.endsWith("the file cannot be loaded"), qPrintable(error));
    }

    void invalidDatasetIsNotSaved()
    {
        Dataset d = smallDataset();
        d.labels[3] = 7;
        const QString error = errorOf([&] { saveDatasetH5(d, path("never.h5")); });
        QVERIFY2(error.contains("label 7 of image 3 is not below the class count 3"), qPrintable(error));
        QVERIFY(!fs::exists(path("never.h5")));
        d = smallDataset();
        d.images.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, saveDatasetH5(d, path("never.h5")));
    }

    void unknownSpecIsExplained()
    {
        QVERIFY(errorOf([&] { loadDataset("mnist-fancy"); }).contains("no such dataset"));
        QVERIFY(errorOf([&] { loadDataset(""); }).contains("no dataset given"));
        saveDatasetH5(smallDataset(), path("split.h5"));
        QVERIFY(errorOf([&] { loadDataset(path("split.h5") + ":train"); }).contains("has no train/test split"));
    }
};

QTEST_APPLESS_MAIN(TestDataset)
#include "test_dataset.moc"
