// The "Train model…" dialog (offscreen): a tiny run fills the loss curve with
// one point per progress report and writes a model of the chosen
// architecture that "Load" puts into the workbench; cancel leaves no file;
// the form reaches the trainer unchanged; errors of the workbench's circuit or
// of a file are injected; bad output paths and error-model files show an
// error in the dialog.
#include "bnn/error_model.h"
#include "bnn/training_record.h"
#include "io/error_model_json.h"
#include "train/trainer.h"

#include "panels/layer_table_model.h"
#include "panels/model_panel.h"
#include "state/exploration_state.h"
#include "train_dialog/train_curve_plot.h"
#include "train_dialog/train_dialog.h"
#include "widget_test_support.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "plots/customplot.h"

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 60'000;
constexpr int kTrainImages = 320;

struct Fixture {
    QTemporaryDir dir;
    ExplorationState state;
    ModelPanel panel{&state};
    TrainDialog dialog{&state};

    Fixture()
    {
        state.models()->setDatasets(smallDataset(100, 3), smallDataset(100, 4));
        dialog.setDatasets(smallDataset(kTrainImages, 11), smallDataset(100, 3));
        // A tiny MLP on 8x8 images: one epoch of batches of 32.
        setArch(QStringLiteral("fc"));
        spin("hiddenSpin")->setValue(24);
        spin("channelsSpin")->setValue(4);
        spin("epochsSpin")->setValue(1);
        spin("batchSpin")->setValue(32);
        setOutput(QStringLiteral("model.h5"));
    }
    template <class T = QWidget>
    T* child(const char* name) const
    {
        T* widget = dialog.findChild<T*>(QLatin1String(name));
        if (!widget)
            qFatal("no widget %s in the training dialog", name);
        return widget;
    }
    QSpinBox* spin(const char* name) const { return child<QSpinBox>(name); }
    void setArch(const QString& arch)
    {
        auto* combo = child<QComboBox>("archCombo");
        combo->setCurrentIndex(combo->findData(arch));
    }
    void setErrors(ErrorSource source)
    {
        auto* combo = child<QComboBox>("errorSourceCombo");
        combo->setCurrentIndex(combo->findData(static_cast<int>(source)));
    }
    QString setOutput(const QString& name)
    {
        const QString path = QDir(dir.path()).absoluteFilePath(name);
        child<QLineEdit>("outputEdit")->setText(path);
        return path;
    }
    QString output() const { return child<QLineEdit>("outputEdit")->text(); }
    void train() { child<QPushButton>("trainButton")->click(); }
    QStringList files() const { return QDir(dir.path()).entryList(QDir::Files | QDir::Hidden); }
    // Starts a run that must fail; returns the dialog's error text.
    QString trainExpectingError()
    {
        QSignalSpy failed(&dialog, &TrainDialog::trainingFailed);
        QSignalSpy progress(&dialog, &TrainDialog::progressReported);
        train();
        if (failed.isEmpty() && !failed.wait(kTimeoutMs)) // a form error fails at once
            return {};
        if (progress.count() != 0)
            return QStringLiteral("<training started before the error>");
        auto* error = child<QLabel>("trainError");
        return error->isVisibleTo(&dialog) ? error->text() : QString();
    }
};

} // namespace

class TestTrainDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // own QSettings

    void tinyRunFillsTheCurveAndLoads_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("epochs");
        QTest::addRow("fc, 1 epoch") << "fc" << 0 << 1;
        QTest::addRow("vgg3 3x3, 2 epochs") << "vgg3" << 3 << 2;
    }
    void tinyRunFillsTheCurveAndLoads()
    {
        QFETCH(QString, arch);
        QFETCH(int, kernel);
        QFETCH(int, epochs);
        Fixture f;
        f.setArch(arch);
        if (kernel > 0) {
            auto* combo = f.child<QComboBox>("kernelCombo");
            combo->setCurrentIndex(combo->findData(kernel));
        }
        f.spin("epochsSpin")->setValue(epochs);
        const QString path = f.setOutput(QStringLiteral("trained.h5"));
        QSignalSpy progress(&f.dialog, &TrainDialog::progressReported);
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        f.train();
        QVERIFY(f.dialog.isRunning());
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.first().first().toString(), path);

        // One loss point per progress report: every batch of every epoch
        // (the trainer drops an epoch's incomplete last batch).
        const int batches = epochs * (kTrainImages / 32);
        QCOMPARE(progress.count(), batches);
        TrainCurvePlot* curves = f.dialog.curves();
        QCOMPARE(curves->lossGraph()->dataCount(), progress.count());
        QCOMPARE(curves->trainAccuracyGraph()->dataCount(), progress.count());
        QCOMPARE(curves->testAccuracyGraph()->dataCount(), epochs);
        double previous = 0;
        for (auto it = curves->lossGraph()->data()->constBegin(); it != curves->lossGraph()->data()->constEnd(); ++it) {
            QVERIFY(it->key > previous); // positions in epochs, increasing
            QVERIFY(std::isfinite(it->value) && it->value > 0);
            previous = it->key;
        }
        QCOMPARE(previous, double(epochs));
        auto* bar = f.child<QProgressBar>("trainProgress");
        QCOMPARE(bar->maximum(), batches);
        QCOMPARE(bar->value(), batches);

        // The file holds the chosen architecture.
        QVERIFY(QFileInfo::exists(path));
        const Model model = loadModel(path.toStdString());
        using L = LayerKind;
        std::vector<L> kinds;
        for (const Layer& layer : model.layers)
            kinds.push_back(layer.kind);
        if (arch == QLatin1String("fc")) {
            QCOMPARE(kinds, (std::vector<L>{L::InputConv, L::Dense, L::Scores}));
            QCOMPARE(model.layers[0].fanIn(), 8 * 8);
            QCOMPARE(model.layers[1].fanIn(), 24);
        } else {
            QCOMPARE(kinds, (std::vector<L>{L::InputConv, L::MaxPool, L::Conv, L::MaxPool, L::Dense, L::Scores}));
            QCOMPARE(model.layers[2].kernel, kernel);
            QCOMPARE(model.layers[2].fanIn(), kernel * kernel * 4);
            QCOMPARE(model.layers[4].fanIn(), 2 * 2 * 4);
        }
        QCOMPARE(model.classes(), 10);
        QCOMPARE(f.dialog.outcome()->layers, static_cast<int>(model.layers.size()));
        QCOMPARE(f.files(), QStringList{QStringLiteral("trained.h5")}); // no temporary left behind

        // "Load" opens it as the main model: the layer table shows its layers.
        auto* load = f.child<QPushButton>("loadTrainedButton");
        QVERIFY(load->isEnabled());
        QSignalSpy changed(&f.state, &ExplorationState::modelChanged);
        load->click();
        QVERIFY(changed.wait(kTimeoutMs));
        QCOMPARE(changed.first().first().value<ModelSlot>(), ModelSlot::Main);
        QCOMPARE(QString::fromStdString(f.state.model()->path), path);
        auto* table = f.panel.findChild<QTableView*>(QStringLiteral("layerTable"));
        QCOMPARE(table->model()->rowCount(), static_cast<int>(model.layers.size()));
        for (int row = 0; row < table->model()->rowCount(); ++row)
            QCOMPARE(table->model()->index(row, LayerTableModel::Kind).data().toString(),
                     QString::fromStdString(layerKindName(model.layers[row].kind)));
        // With a main model loaded, "Load" adds it as the comparison model.
        QVERIFY(load->text().contains(QStringLiteral("comparison")));
        changed.clear();
        load->click();
        QVERIFY(changed.wait(kTimeoutMs));
        QCOMPARE(changed.first().first().value<ModelSlot>(), ModelSlot::Comparison);
        QVERIFY(f.state.comparisonModel() != nullptr);
    }

    // The form reaches the trainer unchanged: the same recipe through the
    // engine directly gives a bit-identical model.
    void dialogTrainsWhatTheEngineTrains()
    {
        Fixture f;
        f.spin("epochsSpin")->setValue(2);
        f.spin("batchSpin")->setValue(16);
        f.spin("seedSpin")->setValue(7);
        f.spin("limitSpin")->setValue(200);
        f.child<QDoubleSpinBox>("lrSpin")->setValue(0.002);
        const QString path = f.setOutput(QStringLiteral("same.h5"));
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        f.train();
        QVERIFY(finished.wait(kTimeoutMs));
        const Model fromDialog = loadModel(path.toStdString());

        const auto trainData = smallDataset(kTrainImages, 11);
        const auto testData = smallDataset(100, 3);
        train::TrainConfig config;
        config.net.arch = train::Arch::Mlp;
        config.net.input = trainData->shape;
        config.net.classes = trainData->classes();
        config.net.hidden = 24;
        config.epochs = 2;
        config.batch = 16;
        config.learningRate = 0.002f;
        config.seed = 7;
        const Model direct = train::trainNetwork(config, *trainData, testData.get(), 200).model;
        QCOMPARE(fromDialog.meta.trainingRecipe, direct.meta.trainingRecipe);
        QCOMPARE(fromDialog.layers.size(), direct.layers.size());
        for (size_t i = 0; i < direct.layers.size(); ++i) {
            QVERIFY(fromDialog.layers[i].weights == direct.layers[i].weights);
            QVERIFY(fromDialog.layers[i].floatParams == direct.layers[i].floatParams);
            QVERIFY(fromDialog.layers[i].scoreScale == direct.layers[i].scoreScale);
        }
        QCOMPARE(f.dialog.outcome()->epochs.size(), size_t(2));
        QCOMPARE(f.dialog.outcome()->testImages, 100);
    }

    void errorsAreInjectedAndRecorded_data()
    {
        QTest::addColumn<int>("source");
        QTest::addRow("workbench circuit") << static_cast<int>(ErrorSource::Circuit);
        QTest::addRow("error-model file") << static_cast<int>(ErrorSource::File);
    }
    void errorsAreInjectedAndRecorded()
    {
        QFETCH(int, source);
        Fixture f;
        if (source == static_cast<int>(ErrorSource::Circuit)) {
            f.state.setLsbColumns(2); // the Controls panel's knob
        } else {
            TrainRequest r = f.dialog.request(); // this architecture, LSB 2
            r.errors = ErrorSource::Circuit;
            r.approx.lsbColumns = 2;
            const QString file = f.dir.filePath(QStringLiteral("errors.json"));
            saveErrorModel(*requestErrorModel(r, *smallDataset(10, 1)), file.toStdString());
            f.child<QLineEdit>("errorModelEdit")->setText(file);
        }
        f.setErrors(static_cast<ErrorSource>(source));
        const QString path = f.setOutput(QStringLiteral("approx.h5"));
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        f.train();
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY(f.dialog.outcome()->injected);
        const Model model = loadModel(path.toStdString());
        // The circuit it was trained for: LSB 2 on the adder tree.
        const auto config = nlohmann::json::parse(model.meta.approximationConfig);
        QCOMPARE(config.at("default").at("approx_lsb").get<int>(), 2);
        QCOMPARE(config.at("default").at("topology").get<std::string>(), std::string("adder-tree"));
        QVERIFY(model.meta.extra.count("error_model") == 1);
    }

    // "Start from" fine-tunes a model (its architecture, the fine-tuning
    // learning rate) and "LSB levels" trains at one level per batch; the
    // model records both.
    void fineTuneAtSeveralLevels()
    {
        Fixture f;
        const QString base = f.setOutput(QStringLiteral("base.h5"));
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        f.train();
        QVERIFY(finished.wait(kTimeoutMs));

        auto* lr = f.child<QDoubleSpinBox>("lrSpin");
        QCOMPARE(lr->value(), 0.001);
        f.child<QLineEdit>("initEdit")->setText(base);
        QCOMPARE(lr->value(), 0.0001); // the fine-tuning default
        QVERIFY(!f.spin("hiddenSpin")->isEnabled()); // the architecture comes from the init model
        f.spin("hiddenSpin")->setValue(40);
        f.state.setLsbColumns(1);
        f.setErrors(ErrorSource::Circuit);
        f.child<QLineEdit>("levelsEdit")->setText(QStringLiteral("0, 1"));
        const TrainRequest r = f.dialog.request();
        QCOMPARE(QString::fromStdString(r.initPath), base);
        QCOMPARE(r.lsbLevels, (std::vector<int>{0, 1}));
        QVERIFY2(f.output().endsWith(QStringLiteral("base_ft_multi.h5")), qPrintable(f.output()));
        f.setOutput(QStringLiteral("ft.h5"));
        f.train();
        QVERIFY(finished.wait(kTimeoutMs));
        const TrainOutcome& outcome = *f.dialog.outcome();
        QCOMPARE(outcome.levels, (std::vector<std::string>{"exact", "lsb 1"}));
        QCOMPARE(outcome.levelImages, (std::vector<int64_t>{160, 160})); // 10 batches of 32, mixed per image
        QCOMPARE(outcome.init.layersFromBatchNorm, 3);
        const Model model = loadModel(f.output().toStdString());
        QCOMPARE(model.layers[1].fanIn(), 24); // the init model's hidden width, not the form's 40
        const TrainingRecord record = trainingRecordOf(model.meta);
        QCOMPARE(record.mode, TrainingMode::MultiLevel);
        QCOMPARE(QString::fromStdString(record.init), QStringLiteral("base.h5"));
        f.child<QLineEdit>("initEdit")->clear();
        QCOMPARE(lr->value(), 0.001);

        f.child<QLineEdit>("levelsEdit")->setText(QStringLiteral("1,x"));
        const QString error = f.trainExpectingError();
        QVERIFY2(error.contains(QStringLiteral("LSB levels: 'x'")), qPrintable(error));
    }

    // "Count through the circuit": hardware in the loop, enabled only for
    // the workbench's circuit; no error model is abstracted, the record and
    // the status line say so.
    void hardwareInTheLoopTrainsThroughTheCircuit()
    {
        Fixture f;
        auto* check = f.child<QCheckBox>("hardwareInTheLoopCheck");
        f.setErrors(ErrorSource::File);
        QVERIFY(!check->isEnabled());
        f.state.setLsbColumns(2);
        f.setErrors(ErrorSource::Circuit);
        QVERIFY(check->isEnabled());
        check->setChecked(true);
        QVERIFY(f.dialog.request().hardwareInTheLoop);
        f.setOutput(QStringLiteral("hil.h5"));
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        f.train();
        QVERIFY(finished.wait(kTimeoutMs));
        const TrainOutcome& outcome = *f.dialog.outcome();
        QVERIFY(outcome.injected);
        QVERIFY(outcome.circuitTestAccuracy >= 0.0);
        QVERIFY(f.child<QLabel>("trainStatus")->text().contains(QStringLiteral("through the circuit")));
        const Model model = loadModel(f.output().toStdString());
        QVERIFY(trainingRecordOf(model.meta).hardwareInTheLoop);
        QVERIFY(model.meta.extra.count("error_model") == 0);
    }

    void exactCircuitIsRefused()
    {
        Fixture f; // the workbench's knobs are all zero
        f.setErrors(ErrorSource::Circuit);
        const QString error = f.trainExpectingError();
        QVERIFY2(error.contains(QStringLiteral("exact")), qPrintable(error));
        QCOMPARE(f.files(), QStringList{});
    }

    void cancelStopsAndWritesNothing()
    {
        Fixture f;
        constexpr int kEpochs = 1000; // far more than the test waits for
        f.spin("epochsSpin")->setValue(kEpochs);
        const QString path = f.output();
        QSignalSpy progress(&f.dialog, &TrainDialog::progressReported);
        QSignalSpy cancelled(&f.dialog, &TrainDialog::trainingCancelled);
        QSignalSpy finished(&f.dialog, &TrainDialog::trainingFinished);
        auto* cancel = f.child<QPushButton>("cancelTrainingButton");
        // Cancel as soon as the first report arrives, like a user's click.
        bool clicked = false;
        connect(&f.dialog, &TrainDialog::progressReported, cancel, [&] {
            if (clicked)
                return;
            clicked = true;
            QVERIFY(cancel->isEnabled());
            cancel->click();
        });
        f.train();
        QVERIFY(cancelled.wait(kTimeoutMs));
        QVERIFY(clicked);
        QVERIFY(!f.dialog.isRunning());
        QCOMPARE(finished.count(), 0);
        QVERIFY(progress.count() < kEpochs * (kTrainImages / 32));
        QVERIFY(!QFileInfo::exists(path));
        QCOMPARE(f.files(), QStringList{});
        QVERIFY(f.child<QLabel>("trainStatus")->text().contains(QStringLiteral("cancelled")));
        QVERIFY(f.child<QPushButton>("trainButton")->isEnabled());
        QVERIFY(!f.child<QPushButton>("cancelTrainingButton")->isEnabled());
        QVERIFY(!f.child<QPushButton>("loadTrainedButton")->isEnabled());
    }

    void badOutputPathShowsAnError_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::addColumn<QString>("expected");
        QTest::addRow("missing folder") << "no/such/folder/model.h5"
                                        << "no/such/folder";
        QTest::addRow("a folder") << "."
                                  << "folder";
        QTest::addRow("empty") << ""
                               << "output file";
    }
    void badOutputPathShowsAnError()
    {
        QFETCH(QString, relative);
        QFETCH(QString, expected);
        Fixture f;
        f.child<QLineEdit>("outputEdit")->setText(relative.isEmpty() ? QString() : f.dir.filePath(relative));
        const QString error = f.trainExpectingError();
        qInfo("%s", qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(f.files(), QStringList{});
        QVERIFY(!f.child<QPushButton>("loadTrainedButton")->isEnabled());
    }

    void badErrorModelFileShowsAnError_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::addRow("not JSON") << "garbage"
                                  << "errors.json";
        QTest::addRow("missing") << "missing"
                                 << "errors.json";
        QTest::addRow("other fan-in") << "other"
                                      << "fan-in";
    }
    void badErrorModelFileShowsAnError()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        Fixture f;
        QTemporaryDir other;
        const QString file = other.filePath(QStringLiteral("errors.json"));
        if (kind == QLatin1String("garbage")) {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("{\"layers\": [oops");
        } else if (kind == QLatin1String("other")) {
            // A valid error model for hidden width 40, used with width 24.
            TrainRequest r = f.dialog.request();
            r.settings.hidden = 40;
            r.errors = ErrorSource::Circuit;
            r.approx.lsbColumns = 2;
            const auto model = requestErrorModel(r, *smallDataset(10, 1));
            QVERIFY(model != nullptr);
            saveErrorModel(*model, file.toStdString());
        }
        f.setErrors(ErrorSource::File);
        f.child<QLineEdit>("errorModelEdit")->setText(file);
        const QString error = f.trainExpectingError();
        qInfo("%s", qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(f.files(), QStringList{});
    }
};

QTEST_MAIN(TestTrainDialog)
#include "test_train_dialog.moc"
