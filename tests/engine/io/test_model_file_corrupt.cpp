// Every kind of corrupt model file is rejected with a message that names
// the file, the object and the problem, never a crash.
#include "bnn/model.h"
#include "io/hdf5_io.h"
#include "io/hdf5_isolation.h"
#include "io/model_file.h"

#include "model_file_test_support.h"
#include "vlen_model_support.h"

#include "util/input_limits.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace axbnn;
using namespace axbnn::testing;

namespace {

// Edits a saved file in place with the HDF5 C API, as a corrupting tool would.
class Patch {
public:
    explicit Patch(const std::string& path) : file_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose)
    {
        h5::silenceErrors();
    }
    bool ok() const { return file_.valid(); }
    hid_t file() const { return file_.get(); }

    bool writeInts(const char* dataset, const std::vector<int32_t>& values) const
    {
        h5::Id d(H5Dopen2(file(), dataset, H5P_DEFAULT), H5Dclose);
        return d.valid() && H5Dwrite(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
    }
    std::vector<int32_t> readInts(const char* dataset) const
    {
        h5::Id d(H5Dopen2(file(), dataset, H5P_DEFAULT), H5Dclose);
        h5::Id s(H5Dget_space(d.get()), H5Sclose);
        std::vector<int32_t> v(size_t(H5Sget_simple_extent_npoints(s.get())));
        H5Dread(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        return v;
    }
    bool setElement(const char* dataset, size_t index, int32_t value) const
    {
        std::vector<int32_t> v = readInts(dataset);
        if (index >= v.size())
            return false;
        v[index] = value;
        return writeInts(dataset, v);
    }
    bool replace(const char* dataset, hid_t fileType, std::vector<hsize_t> dims, hid_t memType, const void* data) const
    {
        if (H5Lexists(file(), dataset, H5P_DEFAULT) > 0)
            H5Ldelete(file(), dataset, H5P_DEFAULT);
        h5::Id s(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
        h5::Id d(H5Dcreate2(file(), dataset, fileType, s.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        return d.valid() && H5Dwrite(d.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    }
    bool remove(const char* link) const { return H5Ldelete(file(), link, H5P_DEFAULT) >= 0; }
    bool move(const char* from, const char* to) const
    {
        return H5Lmove(file(), from, file(), to, H5P_DEFAULT, H5P_DEFAULT) >= 0;
    }
    h5::Object object(const char* path) const
    {
        h5::Id o(H5Oopen(file(), path, H5P_DEFAULT), H5Oclose);
        const h5::Kind k = H5Iget_type(o.get()) == H5I_GROUP ? h5::Kind::Group : h5::Kind::Dataset;
        return h5::Object(std::make_shared<const std::string>("patch"), path, std::move(o), k);
    }
    bool removeAttribute(const char* path, const char* name) const
    {
        return H5Adelete_by_name(file(), path, name, H5P_DEFAULT) >= 0;
    }

private:
    h5::Id file_;
};

enum class Corruption {
    Truncated,
    RandomBytes,
    EmptyFile,
    MissingFile,
    WeightThree,
    FloatWeights,
    WeightShape,
    ThresholdRange,
    InputThresholdRange,
    ThresholdCount,
    DirectionZero,
    MissingLayer,
    MissingWeights,
    BothWeights,
    FormatVersion,
    WrongFormat,
    NoFormat,
    LayerOrder,
    DuplicateIndex,
    BadGroupName,
    UnknownKind,
    NameMismatch,
    BadInShape,
    ConvGeometry,
    ScaleNotFinite,
    PackedPadding,
    BadJson,
    ClassNameCount,
    ExtraGroup,
    ThresholdOnPool
};

// Damages a saved model file as `c` says; false if the damage could not be done.
bool corrupt(const std::string& file, Corruption c)
{
    using C = Corruption;
    namespace fs = std::filesystem;
    if (c == C::Truncated) {
        fs::resize_file(file, fs::file_size(file) / 2);
        return true;
    }
    if (c == C::RandomBytes || c == C::EmptyFile) {
        std::mt19937 rng(1);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        for (int i = 0; c == C::RandomBytes && i < 8192; ++i)
            out.put(char(rng()));
        return bool(out);
    }
    if (c == C::MissingFile)
        return fs::remove(file);

    const Patch p(file);
    if (!p.ok())
        return false;
    const float zeros[13 * 32] = {};
    const int8_t ones[13 * 31] = {1};
    const int32_t seven[7] = {};
    switch (c) {
    case C::WeightThree: return p.setElement("/layers/02_conv/weights", 5, 3);
    case C::FloatWeights:
        return p.replace("/layers/04_dense/weights", H5T_IEEE_F32LE, {13, 32}, H5T_NATIVE_FLOAT, zeros);
    case C::WeightShape: return p.replace("/layers/04_dense/weights", H5T_STD_I8LE, {13, 31}, H5T_NATIVE_INT8, ones);
    case C::ThresholdRange: return p.setElement("/layers/02_conv/threshold", 1, 1000);
    case C::InputThresholdRange: return p.setElement("/layers/00_inputconv/threshold", 0, -2297);
    case C::ThresholdCount: return p.replace("/layers/04_dense/threshold", H5T_STD_I32LE, {7}, H5T_NATIVE_INT32, seven);
    case C::DirectionZero: return p.setElement("/layers/00_inputconv/direction", 3, 0);
    case C::MissingLayer: return p.remove("/layers/03_maxpool2");
    case C::MissingWeights: return p.remove("/layers/02_conv/weights");
    case C::BothWeights: return p.replace("/layers/02_conv/weights_packed", H5T_STD_U8LE, {72}, H5T_NATIVE_INT8, ones);
    case C::FormatVersion: p.object("/").writeAttribute("format_version", int32_t(2)); return true;
    case C::WrongFormat: p.object("/").writeAttribute("format", std::string("keras")); return true;
    case C::NoFormat: return p.removeAttribute("/", "format");
    case C::LayerOrder:
        return p.move("/layers/02_conv", "/layers/tmp") && p.move("/layers/04_dense", "/layers/02_dense")
            && p.move("/layers/tmp", "/layers/04_conv");
    case C::DuplicateIndex: return p.move("/layers/03_maxpool2", "/layers/02_maxpool2");
    case C::BadGroupName: return p.move("/layers/05_scores", "/layers/scores");
    case C::UnknownKind: p.object("/layers/02_conv").writeAttribute("kind", std::string("softmax")); return true;
    case C::NameMismatch: p.object("/layers/02_conv").writeAttribute("name", std::string("other")); return true;
    case C::BadInShape:
        p.object("/layers/04_dense").writeAttribute("in_shape", std::vector<int32_t>{2, 2});
        return true;
    case C::ConvGeometry:
        p.object("/layers/02_conv").writeAttribute("out_shape", std::vector<int32_t>{5, 5, 8});
        return true;
    case C::ScaleNotFinite: {
        std::vector<float> scale(10, 1.0f);
        scale[0] = std::nanf("");
        return p.replace("/layers/05_scores/score_scale", H5T_IEEE_F32LE, {10}, H5T_NATIVE_FLOAT, scale.data());
    }
    case C::PackedPadding: {
        std::vector<int32_t> bytes = p.readInts("/layers/05_scores/weights_packed");
        bytes.back() |= 0x80;
        return p.writeInts("/layers/05_scores/weights_packed", bytes);
    }
    case C::BadJson: p.object("/meta").writeAttribute("approximation_config", std::string("{cell:")); return true;
    case C::ClassNameCount:
        p.object("/meta").writeAttribute("class_names", std::vector<std::string>{"a", "b", "c"});
        return true;
    case C::ExtraGroup:
        return h5::Id(H5Gcreate2(p.file(), "/layers/02_conv/sub", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose)
            .valid();
    case C::ThresholdOnPool:
        return p.replace("/layers/01_maxpool/threshold", H5T_STD_I32LE, {7}, H5T_NATIVE_INT32, seven);
    default: return false;
    }
}

} // namespace

Q_DECLARE_METATYPE(Corruption)

class TestModelFileCorrupt : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void corruptFileIsRejected_data()
    {
        QTest::addColumn<Corruption>("corruption");
        QTest::addColumn<QString>("object"); // the file part the message must name
        QTest::addColumn<QString>("problem"); // and what it must say about it
        using C = Corruption;
        QTest::newRow("truncated") << C::Truncated << ""
                                   << "not a readable HDF5 file";
        QTest::newRow("random bytes") << C::RandomBytes << ""
                                      << "not a readable HDF5 file";
        QTest::newRow("empty file") << C::EmptyFile << ""
                                    << "not a readable HDF5 file";
        QTest::newRow("missing file") << C::MissingFile << ""
                                      << "no such file";
        QTest::newRow("weight 3") << C::WeightThree << "/layers/02_conv/weights"
                                  << "expected 576 int8 values of +1/-1, found value 3 at index 5";
        QTest::newRow("float weights") << C::FloatWeights << "/layers/04_dense/weights"
                                       << "found float32";
        QTest::newRow("weight shape") << C::WeightShape << "/layers/04_dense/weights"
                                      << "expected shape [13, 32] ([outputs, inputs]), found [13, 31]";
        QTest::newRow("threshold range") << C::ThresholdRange << "/layers/02_conv/threshold"
                                         << "value 1000 at index 1 is out of range -1..73 (fan-in 72)";
        QTest::newRow("input threshold") << C::InputThresholdRange << "/layers/00_inputconv/threshold"
                                         << "value -2297 at index 0 is out of range -2296..2296";
        QTest::newRow("threshold count") << C::ThresholdCount << "/layers/04_dense/threshold"
                                         << "expected shape [13]";
        QTest::newRow("direction 0") << C::DirectionZero << "/layers/00_inputconv/direction"
                                     << "expected +1/-1, found 0 at index 3";
        QTest::newRow("missing layer") << C::MissingLayer << "/layers"
                                       << "layer 3 is missing";
        QTest::newRow("missing weights") << C::MissingWeights << "/layers/02_conv"
                                         << "missing dataset 'weights'";
        QTest::newRow("both weights") << C::BothWeights << "/layers/02_conv"
                                      << "has both 'weights' and 'weights_packed'";
        QTest::newRow("format version") << C::FormatVersion << ""
                                        << "format_version 2 is not supported";
        QTest::newRow("wrong format") << C::WrongFormat << ""
                                      << "not an AxBNN model file";
        QTest::newRow("no format") << C::NoFormat << ""
                                   << "no 'format' attribute";
        QTest::newRow("layer order") << C::LayerOrder << "/layers/02_dense"
                                     << "in shape 2x2x8 does not match the previous layer's output 6x6x8";
        QTest::newRow("duplicate index") << C::DuplicateIndex << "/layers"
                                         << "have the same layer index";
        QTest::newRow("group name") << C::BadGroupName << "/layers"
                                    << "group 'scores' is not named <index>_<name>";
        QTest::newRow("unknown kind") << C::UnknownKind << "/layers/02_conv"
                                      << "unknown layer kind 'softmax'";
        QTest::newRow("name mismatch") << C::NameMismatch << "/layers/02_conv"
                                       << "attribute 'name' is 'other'";
        QTest::newRow("in_shape") << C::BadInShape << "/layers/04_dense"
                                  << "attribute 'in_shape': expected";
        QTest::newRow("conv geometry") << C::ConvGeometry << "/layers/02_conv"
                                       << "out shape 5x5x8 does not match";
        QTest::newRow("scale NaN") << C::ScaleNotFinite << "/layers/05_scores/score_scale"
                                   << "value at index 0 is not finite";
        QTest::newRow("packed padding") << C::PackedPadding << "/layers/05_scores/weights_packed"
                                        << "unused high bits of the last byte must be 0";
        QTest::newRow("bad json") << C::BadJson << "/meta"
                                  << "not valid JSON";
        QTest::newRow("class names") << C::ClassNameCount << ""
                                     << "3 class names for 10 classes";
        QTest::newRow("extra group") << C::ExtraGroup << "/layers/02_conv"
                                     << "unexpected group 'sub'";
        QTest::newRow("pool threshold") << C::ThresholdOnPool << "/layers/01_maxpool"
                                        << "a maxpool layer has no 'threshold'";
    }

    void corruptFileIsRejected()
    {
        QFETCH(Corruption, corruption);
        QFETCH(QString, object);
        QFETCH(QString, problem);
        const std::string file = path("corrupt.h5");
        std::filesystem::remove(file);
        saveModel(vggModel(), file, {.packedWeights = corruption == Corruption::PackedPadding});
        QVERIFY(corrupt(file, corruption));
        const QString error = errorOf([&] { loadModel(file); });
        const QString expected = QString::fromStdString(file) + ": " + (object.isEmpty() ? "" : object + ": ");
        QVERIFY2(error.startsWith(expected), qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, loadModel(file));
    }

    // Issue 20: the workbench writes fixed-length strings, so its files have
    // no global heap at all, and the loader sees no variable-length string.
    void savedModelHasNoVariableLengthStrings()
    {
        const std::string file = path("fixed.h5");
        saveModel(vggModel(), file);
        std::ifstream in(file, std::ios::binary);
        const std::string bytes(std::istreambuf_iterator<char>(in), {});
        QVERIFY(bytes.find("GCOL") == std::string::npos);
        const h5::Object root = h5::openFile(file);
        QVERIFY(!root.hasVariableLengthStrings());
        QVERIFY(!root.group("meta").hasVariableLengthStrings());
        QVERIFY(!root.group("layers").group("02_conv").hasVariableLengthStrings());
    }

    // Files with variable-length strings (older workbench files, h5py's str)
    // are still read, through the checking child.
    void variableLengthModelStillLoads()
    {
        const std::string file = path("vlen.h5");
        QVERIFY(saveVariableLengthModel(vggModel(), file));
        QVERIFY(h5::openFile(file).hasVariableLengthStrings());
        QVERIFY(h5::openFile(file).group("meta").hasVariableLengthStrings());
        compareModels(loadModel(file), vggModel());
    }

    // The reproducer of issue 20: one byte of a global heap object's length.
    // libhdf5 dies of SIGSEGV reading it; the checking child takes the blow.
    void corruptStringDataIsRefusedNotCrashed()
    {
        const std::string file = path("vlen_corrupt.h5");
        QVERIFY(saveVariableLengthModel(vggModel(), file));
        QVERIFY(corruptFirstHeapObjectLength(file));
        const QString error = errorOf([&] { loadModel(file); });
        QVERIFY2(error.startsWith(QString::fromStdString(file)
                                  + ": attribute 'format': corrupt variable-length "
                                    "string data: the HDF5 library crashed reading it"),
                 qPrintable(error));
        // Signal 11 (SIGSEGV); under AddressSanitizer the child reports the
        // bad memcpy and aborts first (signal 6).
        QVERIFY2((error.contains("(signal 11, ") || error.contains("(signal 6, "))
                     && error.endsWith("the file cannot be loaded"),
                 qPrintable(error));
        compareModels(loadModel(path("vlen.h5")), vggModel()); // this process is fine
    }

    // A child that does not finish is killed at the time limit.
    void hangingCheckIsCutOff()
    {
        const std::string file = path("vlen.h5");
        const QString error = errorOf([&] {
            h5::verifyInChild(
                file, [] { ::pause(); }, 1);
        });
        QCOMPARE(error,
                 QString::fromStdString(file)
                     + ": corrupt HDF5 data: the HDF5 library did not finish reading "
                       "it within 1 s; the file cannot be loaded");
        QVERIFY(h5::checkSeconds(file) >= kHdf5CheckBaseSeconds);
        // The child's own error message comes back as it is.
        QCOMPARE(errorOf([&] { h5::verifyInChild(file, [] { throw std::runtime_error("f.h5: /x: bad"); }); }),
                 QString("f.h5: /x: bad"));
    }

    // Issue 20: 40,000 attributes took 143 s (libhdf5 scans the object header
    // for every name). They are counted first and refused.
    void tooManyAttributesAreRefused()
    {
        const std::string file = path("attributes.h5");
        saveModel(vggModel(), file);
        {
            // Dense attribute storage (libver latest) writes 40,000 quickly.
            h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
            H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
            h5::Id f(H5Fopen(file.c_str(), H5F_ACC_RDWR, fapl.get()), H5Fclose);
            QVERIFY(f.valid());
            QVERIFY(H5Ldelete(f.get(), "meta", H5P_DEFAULT) >= 0);
            h5::Id g(H5Gcreate2(f.get(), "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
            h5::Id space(H5Screate(H5S_SCALAR), H5Sclose);
            for (int i = 0; i < 40000; ++i) {
                const int32_t v = i;
                h5::Id a(H5Acreate2(g.get(), ("x" + std::to_string(i)).c_str(), H5T_STD_I32LE, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT),
                         H5Aclose);
                QVERIFY(a.valid() && H5Awrite(a.get(), H5T_NATIVE_INT32, &v) >= 0);
            }
        }
        const QString error = errorOf([&] { loadModel(file); });
        QCOMPARE(error,
                 QString::fromStdString(file) + ": /meta: 40000 attributes, more than the limit of "
                     + QString::number(kMaxAttributesPerObject) + " per object");
    }

    // Exactly the limit (compact storage, as h5py writes by default) loads.
    void attributesUpToTheLimitLoad()
    {
        const std::string file = path("attributes_ok.h5");
        Model m = vggModel();
        const size_t own = 5 + m.meta.extra.size(); // dataset, class_names, recipe, accuracy, approximation
        for (size_t i = own; i < kMaxAttributesPerObject; ++i)
            m.meta.extra[std::string("k").append(std::to_string(i))] = "v";
        saveModel(m, file);
        QCOMPARE(loadModel(file).meta.extra.size(), size_t(kMaxAttributesPerObject) - 5);
        m.meta.extra["one_more"] = "v";
        saveModel(m, file);
        const QString error = errorOf([&] { loadModel(file); });
        QVERIFY2(error.endsWith(QString(": /meta: %1 attributes, more than the limit of %2 per object")
                                    .arg(kMaxAttributesPerObject + 1)
                                    .arg(kMaxAttributesPerObject)),
                 qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestModelFileCorrupt)
#include "test_model_file_corrupt.moc"
