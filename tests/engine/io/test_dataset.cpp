// Datasets: Fashion-MNIST from its Debian package, IDX files (plain and
// gzip), the spec strings, and their error messages (HDF5 dataset files:
// test_dataset_h5).
#include "io/dataset.h"
#include "io/idx_file.h"

#include "dataset_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <zlib.h>

using namespace axbnn;
namespace fs = std::filesystem;

using namespace axbnn::test;

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
