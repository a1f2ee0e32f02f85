// Model files: round trips, packed weights, h5py interchange, and every kind
// of corrupt file rejected with a message that names the culprit.
#include "bnn/model.h"
#include "io/hdf5_io.h"
#include "io/model_file.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace axbnn;

namespace {

// A small VGG-like network on 12x12x1 pixels. The dense layer has 13 outputs
// so that the scores weights (130) do not fill whole bytes when packed.
Model vggModel()
{
    std::mt19937 rng(7);
    auto weights = [&](size_t n) {
        std::vector<int8_t> w(n);
        for (auto& x : w)
            x = rng() & 1 ? 1 : -1;
        return w;
    };
    auto thresholds = [&](int n, int lo, int hi) {
        Thresholds t;
        for (int i = 0; i < n; ++i) {
            t.threshold.push_back(lo + int(rng() % unsigned(hi - lo + 1)));
            t.direction.push_back(rng() & 1 ? 1 : -1);
        }
        return t;
    };
    Model m;
    m.input = {12, 12, 1};
    Layer l;
    l = {};
    l.kind = LayerKind::InputConv, l.name = "inputconv", l.in = {12, 12, 1}, l.out = {12, 12, 8};
    l.kernel = 3, l.padding = 1, l.weights = weights(8 * 9), l.thresholds = thresholds(8, -2296, 2296);
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::MaxPool, l.name = "maxpool", l.in = {12, 12, 8}, l.out = {6, 6, 8}, l.pool = 2;
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Conv, l.name = "conv", l.in = {6, 6, 8}, l.out = {4, 4, 8}, l.kernel = 3;
    l.weights = weights(8 * 9 * 8), l.thresholds = thresholds(8, -1, 73);
    l.floatParams = {{"bn_gamma", {1, 2, 3, 4, 5, 6, 7, 8}}, {"bn_beta", {0.5f, -1, 0, 0, 0, 0, 0, 1e-3f}}};
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::MaxPool, l.name = "maxpool2", l.in = {4, 4, 8}, l.out = {2, 2, 8}, l.pool = 2;
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Dense, l.name = "dense", l.in = {2, 2, 8}, l.out = {1, 1, 13};
    l.weights = weights(13 * 32), l.thresholds = thresholds(13, 0, 32);
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Scores, l.name = "scores", l.in = {1, 1, 13}, l.out = {1, 1, 10};
    l.weights = weights(10 * 13);
    l.scoreScale = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0.25f};
    l.scoreOffset = {0, -1, 1, 0, 0, 0, 0, 0, 0, 3.5f};
    m.layers.push_back(l);
    m.meta.dataset = "fashion-mnist";
    m.meta.classNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    m.meta.trainingRecipe = "adam lr=1e-3, 20 epochs; \"quoted\" and ünïcödé";
    m.meta.accuracyAtSave = 0.8875;
    m.meta.approximationConfig = R"({"cell":"maj-fa","approx_lsb":3})";
    m.meta.extra = {{"author", "test"}, {"commit", "abc123"}};
    return m;
}

void compareModels(const Model& a, const Model& b)
{
    QCOMPARE(a.input, b.input);
    QCOMPARE(a.layers.size(), b.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const Layer &x = a.layers[i], &y = b.layers[i];
        QCOMPARE(x.kind, y.kind);
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.in, y.in);
        QCOMPARE(x.out, y.out);
        QCOMPARE(x.kernel, y.kernel);
        QCOMPARE(x.stride, y.stride);
        QCOMPARE(x.padding, y.padding);
        QCOMPARE(x.pool, y.pool);
        QCOMPARE(x.weights, y.weights);
        QCOMPARE(x.thresholds.threshold, y.thresholds.threshold);
        QCOMPARE(x.thresholds.direction, y.thresholds.direction);
        QCOMPARE(x.scoreScale, y.scoreScale);
        QCOMPARE(x.scoreOffset, y.scoreOffset);
        QVERIFY(x.floatParams == y.floatParams);
    }
    QCOMPARE(a.meta.dataset, b.meta.dataset);
    QCOMPARE(a.meta.classNames, b.meta.classNames);
    QCOMPARE(a.meta.trainingRecipe, b.meta.trainingRecipe);
    QCOMPARE(a.meta.accuracyAtSave, b.meta.accuracyAtSave);
    QCOMPARE(a.meta.approximationConfig, b.meta.approximationConfig);
    QVERIFY(a.meta.extra == b.meta.extra);
}

template <class F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// Edits a saved file in place with the HDF5 C API, as a corrupting tool would.
class Patch {
public:
    explicit Patch(const std::string& path)
        : file_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose)
    {
        h5::silenceErrors();
    }
    bool ok() const { return file_.valid(); }
    hid_t file() const { return file_.get(); }

    bool writeInts(const char* dataset, const std::vector<int32_t>& values) const
    {
        h5::Id d(H5Dopen2(file(), dataset, H5P_DEFAULT), H5Dclose);
        return d.valid()
            && H5Dwrite(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
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
    bool replace(const char* dataset, hid_t fileType, std::vector<hsize_t> dims, hid_t memType,
                 const void* data) const
    {
        if (H5Lexists(file(), dataset, H5P_DEFAULT) > 0)
            H5Ldelete(file(), dataset, H5P_DEFAULT);
        h5::Id s(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
        h5::Id d(H5Dcreate2(file(), dataset, fileType, s.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
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

// A python3 that has h5py and numpy, or "".
QString pythonWithH5py()
{
    for (const QString& python : {QStringLiteral("python3"), QStringLiteral("/usr/bin/python3")}) {
        QProcess p;
        p.start(python, {"-c", "import h5py, numpy"});
        if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
            return python;
    }
    return {};
}

// Element i is +1 iff (a*i + b) mod 5 < 2: the pattern of tools/write_example_model.py.
std::vector<int8_t> pattern(int n, int a, int b)
{
    std::vector<int8_t> w(size_t(n), 0);
    for (int i = 0; i < n; ++i)
        w[size_t(i)] = (a * i + b) % 5 < 2 ? 1 : -1;
    return w;
}

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
    case C::WeightShape:
        return p.replace("/layers/04_dense/weights", H5T_STD_I8LE, {13, 31}, H5T_NATIVE_INT8, ones);
    case C::ThresholdRange: return p.setElement("/layers/02_conv/threshold", 1, 1000);
    case C::InputThresholdRange: return p.setElement("/layers/00_inputconv/threshold", 0, -2297);
    case C::ThresholdCount:
        return p.replace("/layers/04_dense/threshold", H5T_STD_I32LE, {7}, H5T_NATIVE_INT32, seven);
    case C::DirectionZero: return p.setElement("/layers/00_inputconv/direction", 3, 0);
    case C::MissingLayer: return p.remove("/layers/03_maxpool2");
    case C::MissingWeights: return p.remove("/layers/02_conv/weights");
    case C::BothWeights:
        return p.replace("/layers/02_conv/weights_packed", H5T_STD_U8LE, {72}, H5T_NATIVE_INT8, ones);
    case C::FormatVersion: p.object("/").writeAttribute("format_version", int32_t(2)); return true;
    case C::WrongFormat: p.object("/").writeAttribute("format", std::string("keras")); return true;
    case C::NoFormat: return p.removeAttribute("/", "format");
    case C::LayerOrder:
        return p.move("/layers/02_conv", "/layers/tmp") && p.move("/layers/04_dense", "/layers/02_dense")
            && p.move("/layers/tmp", "/layers/04_conv");
    case C::DuplicateIndex: return p.move("/layers/03_maxpool2", "/layers/02_maxpool2");
    case C::BadGroupName: return p.move("/layers/05_scores", "/layers/scores");
    case C::UnknownKind:
        p.object("/layers/02_conv").writeAttribute("kind", std::string("softmax"));
        return true;
    case C::NameMismatch:
        p.object("/layers/02_conv").writeAttribute("name", std::string("other"));
        return true;
    case C::BadInShape:
        p.object("/layers/04_dense").writeAttribute("in_shape", std::vector<int32_t>{2, 2});
        return true;
    case C::ConvGeometry:
        p.object("/layers/02_conv").writeAttribute("out_shape", std::vector<int32_t>{5, 5, 8});
        return true;
    case C::ScaleNotFinite: {
        std::vector<float> scale(10, 1.0f);
        scale[0] = std::nanf("");
        return p.replace("/layers/05_scores/score_scale", H5T_IEEE_F32LE, {10}, H5T_NATIVE_FLOAT,
                         scale.data());
    }
    case C::PackedPadding: {
        std::vector<int32_t> bytes = p.readInts("/layers/05_scores/weights_packed");
        bytes.back() |= 0x80;
        return p.writeInts("/layers/05_scores/weights_packed", bytes);
    }
    case C::BadJson:
        p.object("/meta").writeAttribute("approximation_config", std::string("{cell:"));
        return true;
    case C::ClassNameCount:
        p.object("/meta").writeAttribute("class_names", std::vector<std::string>{"a", "b", "c"});
        return true;
    case C::ExtraGroup:
        return h5::Id(H5Gcreate2(p.file(), "/layers/02_conv/sub", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      H5Gclose)
            .valid();
    case C::ThresholdOnPool:
        return p.replace("/layers/01_maxpool/threshold", H5T_STD_I32LE, {7}, H5T_NATIVE_INT32, seven);
    default: return false;
    }
}

} // namespace

Q_DECLARE_METATYPE(Corruption)

class TestModelFile : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void fanInAndThresholdRangeFollowLayerKind()
    {
        const Model m = vggModel();
        QCOMPARE(m.layers[0].fanIn(), 9);
        QCOMPARE(m.layers[1].fanIn(), 0);
        QCOMPARE(m.layers[2].fanIn(), 72);
        QCOMPARE(m.layers[4].fanIn(), 32);
        QCOMPARE(m.layers[5].fanIn(), 13);
        QCOMPARE(thresholdRange(m.layers[0]).max, 255 * 9 + 1);
        QCOMPARE(thresholdRange(m.layers[2]).min, -1);
        QCOMPARE(thresholdRange(m.layers[2]).max, 73);
        QCOMPARE(layerKindFromName("maxpool"), std::optional(LayerKind::MaxPool));
        QVERIFY(!layerKindFromName("softmax"));
        validateModel(m);
    }

    void validateModelNamesLayerAndProblem_data()
    {
        QTest::addColumn<int>("change");
        QTest::addColumn<QString>("expected");
        QTest::newRow("weight 0") << 0 << "layer 2 'conv': weight 5 is 0";
        QTest::newRow("direction 0") << 1 << "layer 4 'dense': direction 3 is 0";
        QTest::newRow("threshold") << 2 << "layer 4 'dense': threshold 0 is 34, out of range -1..33";
        QTest::newRow("chain") << 3 << "layer 4 'dense': in shape 2x2x9 does not match";
        QTest::newRow("conv out") << 4 << "layer 2 'conv': out shape 5x5x8 does not match kernel 3";
        QTest::newRow("pool first") << 5 << "layer 0 'p': a maxpool layer must follow";
        QTest::newRow("scores not last") << 6 << "layer 5 'scores': a scores layer must be the last layer";
        QTest::newRow("no scores") << 14
                                   << "layer 4 'dense': the last layer must be a scores layer, not dense";
        QTest::newRow("score scale size") << 7 << "layer 5 'scores': has 3 score scale values";
        QTest::newRow("class names") << 8 << "model: 2 class names for 10 classes";
        QTest::newRow("pool after pool") << 9 << "layer 2 'pool1b': a maxpool layer must follow";
        QTest::newRow("thresholds count") << 10 << "layer 0 'inputconv': has 7 thresholds";
        QTest::newRow("float param size") << 11 << "layer 2 'conv': float parameter 'bn_gamma' has 1 values";
        QTest::newRow("no layers") << 12 << "model: no layers";
        QTest::newRow("name with slash") << 13 << "layer 1 'a/b': layer name must not contain '/'";
    }

    void validateModelNamesLayerAndProblem()
    {
        QFETCH(int, change);
        QFETCH(QString, expected);
        Model m = vggModel();
        switch (change) {
        case 0: m.layers[2].weights[5] = 0; break;
        case 1: m.layers[4].thresholds.direction[3] = 0; break;
        case 2: m.layers[4].thresholds.threshold[0] = 34; break;
        case 3: m.layers[4].in.channels = 9; break;
        case 4: m.layers[2].out = {5, 5, 8}; break;
        case 5:
            m.layers.insert(m.layers.begin(), m.layers[1]);
            m.layers[0].name = "p", m.layers[0].in = {12, 12, 1}, m.layers[0].out = {6, 6, 1};
            break;
        case 6: m.layers.push_back(m.layers[4]), m.layers.back().in = m.layers[5].out; break;
        case 7: m.layers[5].scoreScale = {1, 2, 3}; break;
        case 8: m.meta.classNames = {"x", "y"}; break;
        case 9:
            m.layers[2] = m.layers[1];
            m.layers[2].name = "pool1b", m.layers[2].in = m.layers[2].out = {6, 6, 8}, m.layers[2].pool = 1;
            break;
        case 10: m.layers[0].thresholds.threshold.pop_back(); break;
        case 11: m.layers[2].floatParams["bn_gamma"] = {1}; break;
        case 12: m.layers.clear(); break;
        case 13: m.layers[1].name = "a/b"; break;
        case 14: m.layers.pop_back(); break;
        }
        const QString error = errorOf([&] { validateModel(m); });
        QVERIFY2(error.startsWith(expected), qPrintable(error));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validateModel(m));
    }

    void roundTripIsIdentical()
    {
        const Model m = vggModel();
        saveModel(m, path("round.h5"));
        compareModels(loadModel(path("round.h5")), m);
    }

    void packedAndInt8WeightsLoadIdentically()
    {
        const Model m = vggModel();
        saveModel(m, path("int8.h5"));
        saveModel(m, path("packed.h5"), {.packedWeights = true});
        compareModels(loadModel(path("packed.h5")), loadModel(path("int8.h5")));
        compareModels(loadModel(path("packed.h5")), m);
        const h5::Object root = h5::openFile(path("packed.h5"));
        const h5::Object scores = root.group("layers").group("05_scores");
        QVERIFY(scores.has("weights_packed"));
        QVERIFY(!scores.has("weights"));
        QCOMPARE(scores.open("weights_packed").dims(), std::vector<hsize_t>{17}); // ceil(130 / 8)
    }

    void savingReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        QTemporaryDir sub;
        const std::string target = sub.filePath("m.h5").toStdString();
        Model m = vggModel();
        saveModel(m, target);
        m.meta.trainingRecipe = "second";
        saveModel(m, target);
        QCOMPARE(loadModel(target).meta.trainingRecipe, std::string("second"));

        Model bad = m;
        bad.layers[2].weights[0] = 2;
        const QString error = errorOf([&] { saveModel(bad, target); });
        QVERIFY2(error.contains("layer 2 'conv': weight 0 is 2"), qPrintable(error));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, saveModel(bad, target));
        QCOMPARE(loadModel(target).meta.trainingRecipe, std::string("second"));
        int files = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(sub.path().toStdString()))
            ++files;
        QCOMPARE(files, 1);

        const QString missing
            = errorOf([&] { saveModel(m, sub.filePath("no/such/dir/m.h5").toStdString()); });
        QVERIFY2(missing.contains("no/such/dir/m.h5: cannot write"), qPrintable(missing));
    }

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
        const QString expected
            = QString::fromStdString(file) + ": " + (object.isEmpty() ? "" : object + ": ");
        QVERIFY2(error.startsWith(expected), qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, loadModel(file));
    }

    void modelWrittenByH5pyLoads_data()
    {
        QTest::addColumn<bool>("packed");
        QTest::newRow("int8 weights") << false;
        QTest::newRow("packed weights") << true;
    }

    void modelWrittenByH5pyLoads()
    {
        QFETCH(bool, packed);
        const QString python = pythonWithH5py();
        if (python.isEmpty())
            QSKIP("no python3 with h5py and numpy");
        const QString script = QFINDTESTDATA("../../../tools/write_example_model.py");
        QVERIFY(!script.isEmpty());
        const std::string file = path(packed ? "h5py_packed.h5" : "h5py.h5");
        QProcess p;
        QStringList args = {script, QString::fromStdString(file)};
        if (packed)
            args << "--packed";
        p.start(python, args);
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

        const Model m = loadModel(file);
        QCOMPARE(m.input, (Shape{6, 6, 1}));
        QCOMPARE(m.layers.size(), size_t(4));
        QCOMPARE(m.layers[0].kind, LayerKind::InputConv);
        QCOMPARE(m.layers[0].name, std::string("conv1"));
        QCOMPARE(m.layers[0].padding, 1);
        QCOMPARE(m.layers[0].weights, pattern(36, 7, 3));
        QCOMPARE(m.layers[0].thresholds.threshold, (std::vector<int32_t>{-25, 12, -1, -14}));
        QCOMPARE(m.layers[0].thresholds.direction, (std::vector<int8_t>{-1, 1, 1, -1}));
        QCOMPARE(m.layers[1].kind, LayerKind::MaxPool);
        QCOMPARE(m.layers[2].weights, pattern(8 * 36, 3, 1));
        QCOMPARE(m.layers[2].thresholds.threshold, (std::vector<int32_t>{0, 4, 8, 12, 16, 20, 24, 28}));
        QCOMPARE(m.layers[2].floatParams.at("bn_gamma"),
                 (std::vector<float>{0.5f, 0.75f, 1, 1.25f, 1.5f, 1.75f, 2, 2.25f}));
        QCOMPARE(m.layers[3].weights, pattern(24, 2, 4));
        QCOMPARE(m.layers[3].scoreScale, (std::vector<float>{1, 1.5f, 2}));
        QCOMPARE(m.layers[3].scoreOffset, (std::vector<float>{-1, 0, 1}));
        QCOMPARE(m.meta.dataset, std::string("example"));
        QCOMPARE(m.meta.classNames, (std::vector<std::string>{"circle", "square", "triangle"}));
        QCOMPARE(m.meta.accuracyAtSave, -1.0);
        QCOMPARE(m.meta.extra.at("author"), std::string("h5py example"));
        QCOMPARE(m.classes(), 3);
    }

    void h5pyReadsSavedModel()
    {
        const QString python = pythonWithH5py();
        if (python.isEmpty())
            QSKIP("no python3 with h5py and numpy");
        const Model m = vggModel();
        saveModel(m, path("for_h5py.h5"));
        QProcess p;
        p.start(python,
                {"-c",
                 "import sys, h5py\n"
                 "f = h5py.File(sys.argv[1], 'r')\n"
                 "w = f['layers/02_conv/weights'][...]\n"
                 "print(f.attrs['format'], f.attrs['format_version'], list(f.attrs['input_shape']))\n"
                 "print(w.dtype, list(w.shape), int(w.sum()), int(f['layers/02_conv/threshold'][1]))\n"
                 "print('|'.join(f['meta'].attrs['class_names']), f['meta'].attrs['training_recipe'])\n"
                 "print(sorted(f['layers'].keys()))\n",
                 QString::fromStdString(path("for_h5py.h5"))});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split('\n');
        int sum = 0;
        for (int8_t w : m.layers[2].weights)
            sum += w;
        QCOMPARE(lines.value(0), QString("axbnn-bnn 1 [12, 12, 1]"));
        QCOMPARE(lines.value(1),
                 QString("int8 [8, 3, 3, 8] %1 %2").arg(sum).arg(m.layers[2].thresholds.threshold[1]));
        QCOMPARE(lines.value(2),
                 QString("a|b|c|d|e|f|g|h|i|j ") + QString::fromStdString(m.meta.trainingRecipe));
        QCOMPARE(
            lines.value(3),
            QString("['00_inputconv', '01_maxpool', '02_conv', '03_maxpool2', '04_dense', '05_scores']"));
    }
};

QTEST_APPLESS_MAIN(TestModelFile)
#include "test_model_file.moc"
