// HDF5 dataset files: round trips, shapes, limited reads, declared sizes
// against the file, corrupt class names, and their error messages.
#include "io/dataset.h"
#include "io/hdf5_io.h"

#include "dataset_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace axbnn;
using namespace axbnn::test;
namespace fs = std::filesystem;

class TestDatasetH5 : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const std::string& name) const
    {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

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
};

QTEST_APPLESS_MAIN(TestDatasetH5)
#include "test_dataset_h5.moc"
