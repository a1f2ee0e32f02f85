// Model files: round trips, packed weights, validation messages and h5py
// interchange (corrupt files: test_model_file_corrupt.cpp).
#include "bnn/model.h"
#include "io/hdf5_io.h"
#include "io/model_file.h"

#include "model_file_test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace axbnn;

using namespace axbnn::testing;

namespace {

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

} // namespace

class TestModelFile : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private Q_SLOTS:
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
        QTest::newRow("no scores") << 14 << "layer 4 'dense': the last layer must be a scores layer, not dense";
        QTest::newRow("score scale size") << 7 << "layer 5 'scores': has 3 score scale values";
        QTest::newRow("class names") << 8 << "model: 2 class names for 10 classes";
        QTest::newRow("pool after pool") << 9 << "layer 2 'pool1b': a maxpool layer must follow";
        QTest::newRow("thresholds count") << 10 << "layer 0 'inputconv': has 7 thresholds";
        QTest::newRow("float param size") << 11 << "layer 2 'conv': float parameter 'bn_gamma' has 1 values";
        QTest::newRow("no layers") << 12 << "model: no layers";
        QTest::newRow("name with slash") << 13 << "layer 1 'a/b': layer name must not contain '/'";
        // Only an inputconv reads the image (a conv first computed from no input).
        QTest::newRow("conv first") << 15 << "layer 0 'inputconv': the first layer must be an inputconv layer";
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
        case 15: m.layers[0].kind = LayerKind::Conv; break;
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

        const QString missing = errorOf([&] { saveModel(m, sub.filePath("no/such/dir/m.h5").toStdString()); });
        QVERIFY2(missing.contains("no/such/dir/m.h5: cannot write"), qPrintable(missing));
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
                 "s = lambda v: v.decode('utf-8')\n" // fixed-length strings read as bytes
                 "f = h5py.File(sys.argv[1], 'r')\n"
                 "w = f['layers/02_conv/weights'][...]\n"
                 "print(s(f.attrs['format']), f.attrs['format_version'], list(f.attrs['input_shape']))\n"
                 "print(w.dtype, list(w.shape), int(w.sum()), int(f['layers/02_conv/threshold'][1]))\n"
                 "print('|'.join(map(s, f['meta'].attrs['class_names'])), s(f['meta'].attrs['training_recipe']))\n"
                 "print(f.attrs.get_id('format').get_type().get_cset() == h5py.h5t.CSET_UTF8,\n"
                 "      f.attrs.get_id('format').get_type().is_variable_str())\n"
                 "print(sorted(f['layers'].keys()))\n",
                 QString::fromStdString(path("for_h5py.h5"))});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split('\n');
        int sum = 0;
        for (int8_t w : m.layers[2].weights)
            sum += w;
        QCOMPARE(lines.value(0), QString("axbnn-bnn 1 [12, 12, 1]"));
        QCOMPARE(lines.value(1), QString("int8 [8, 3, 3, 8] %1 %2").arg(sum).arg(m.layers[2].thresholds.threshold[1]));
        QCOMPARE(lines.value(2), QString("a|b|c|d|e|f|g|h|i|j ") + QString::fromStdString(m.meta.trainingRecipe));
        QCOMPARE(lines.value(3), QString("True False")); // fixed-length UTF-8
        QCOMPARE(lines.value(4),
                 QString("['00_inputconv', '01_maxpool', '02_conv', '03_maxpool2', '04_dense', '05_scores']"));
    }
};

QTEST_APPLESS_MAIN(TestModelFile)
#include "test_model_file.moc"
