// The Model dock: loading a model fills the layer table, choosing a layer sets
// N, a corrupt file shows an error and changes nothing (offscreen).
#include "panels/layer_table_model.h"
#include "panels/model_panel.h"
#include "state/exploration_state.h"
#include "widget_test_support.h"

#include "../engine/io/model_file_test_support.h"
#include "../engine/io/vlen_model_support.h"

#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"

#include <QMessageBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 60'000;

struct Fixture {
    QTemporaryDir dir;
    ExplorationState state;
    ModelPanel panel{&state};
    Model model = smallModel();
    QString path;

    Fixture()
    {
        state.models()->setDatasets(smallDataset(), smallDataset(100, 3));
        path = writeModel(dir.path(), QStringLiteral("small.h5"), model);
    }
    QTableView* view() { return panel.findChild<QTableView*>(QStringLiteral("layerTable")); }
    bool load(const QString& file)
    {
        QSignalSpy changed(&state, &ExplorationState::modelChanged);
        state.openModel(file);
        return changed.wait(kTimeoutMs);
    }
};

} // namespace

class TestModelPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // own QSettings

    void loadingFillsTheLayerTableWithFanIns()
    {
        Fixture f;
        QVERIFY(f.load(f.path));
        QAbstractItemModel* table = f.view()->model();
        QCOMPARE(table->rowCount(), static_cast<int>(f.model.layers.size()));
        for (int row = 0; row < table->rowCount(); ++row) {
            const Layer& layer = f.model.layers[row];
            const int expected = layer.kind == LayerKind::MaxPool ? 0 : layer.fanIn();
            QCOMPARE(table->index(row, LayerTableModel::FanIn).data(Qt::UserRole).toInt(), expected);
            QCOMPARE(table->index(row, LayerTableModel::Kind).data().toString(),
                     QString::fromStdString(layerKindName(layer.kind)));
        }
        QCOMPARE(table->index(2, LayerTableModel::FanIn).data(Qt::UserRole).toInt(), 72);
        QCOMPARE(table->index(3, LayerTableModel::FanIn).data(Qt::UserRole).toInt(), 128);
        // The first popcount layer is selected and sets N.
        QCOMPARE(f.state.selectedLayer(), 2);
        QCOMPARE(f.state.spec().inputs, 72);
        QCOMPARE(ModelPanel::recentFiles().value(0), QFileInfo(f.path).absoluteFilePath());
    }

    void layerCostsMatchTheCostModel()
    {
        Fixture f;
        f.state.setLsbColumns(2);
        QVERIFY(f.load(f.path));
        QVERIFY(QTest::qWaitFor([&] { return f.state.layerCosts() != nullptr; }, kTimeoutMs));
        QAbstractItemModel* table = f.view()->model();
        const CellLibrary& library = f.state.library();
        ApproxConfig approx;
        approx.lsbColumns = 2;
        for (const int row : {2, 3}) {
            const Netlist exact = buildPopcount(f.model.layers[row].fanIn(), Topology::AdderTree, library);
            const double exactArea = computeCost(exact).areaUm2;
            const double approxArea = computeCost(applyApproximation(exact, library, approx)).areaUm2;
            QCOMPARE(table->index(row, LayerTableModel::ExactArea).data(Qt::UserRole).toDouble(), exactArea);
            QCOMPARE(table->index(row, LayerTableModel::ApproxArea).data(Qt::UserRole).toDouble(), approxArea);
            QVERIFY(approxArea < exactArea);
        }
    }

    void choosingALayerSetsN()
    {
        Fixture f;
        QVERIFY(f.load(f.path));
        f.view()->selectionModel()->setCurrentIndex(f.view()->model()->index(3, 0),
                                                    QItemSelectionModel::ClearAndSelect);
        QCOMPARE(f.state.selectedLayer(), 3);
        QCOMPARE(f.state.spec().inputs, 128);
    }

    void measuredPComesFromTheModelData()
    {
        Fixture f;
        QVERIFY(f.load(f.path));
        f.state.setInputStatistic(InputStatistic::Measured);
        const double measured = f.state.model()->xnorP[2];
        QVERIFY(measured > 0.0 && measured < 1.0);
        QCOMPARE(f.state.spec().p, measured);
        f.state.setInputStatistic(InputStatistic::Fixed);
        QCOMPARE(f.state.spec().p, 0.5);
    }

    void corruptFileShowsAnErrorAndKeepsTheState()
    {
        Fixture f;
        QVERIFY(f.load(f.path));
        f.view()->selectionModel()->setCurrentIndex(f.view()->model()->index(3, 0),
                                                    QItemSelectionModel::ClearAndSelect);
        const auto before = f.state.model();
        const CircuitSpec spec = f.state.spec();

        const QString corrupt = f.dir.filePath(QStringLiteral("corrupt.h5"));
        QFile file(corrupt);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        QSignalSpy failed(&f.panel, &ModelPanel::loadFailed);
        f.state.openModel(corrupt);
        QVERIFY(failed.wait(kTimeoutMs));
        QCOMPARE(failed.at(0).at(0).toString(), corrupt);
        QVERIFY(!failed.at(0).at(1).toString().isEmpty());

        auto* box = f.panel.findChild<QMessageBox*>(QStringLiteral("modelLoadError"));
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY(box->informativeText().contains(failed.at(0).at(1).toString()));
        QCOMPARE(f.state.model(), before); // the same object: nothing replaced
        QCOMPARE(f.state.selectedLayer(), 3);
        QCOMPARE(f.state.spec().inputs, spec.inputs);
        QCOMPARE(f.view()->model()->rowCount(), static_cast<int>(f.model.layers.size()));
    }

    // Issue 20: corrupt variable-length string data made libhdf5 segfault and
    // took the whole workbench down. Now the load fails in a checking child
    // process: an error naming the file, and the workbench goes on working.
    void corruptStringDataShowsAnErrorAndTheWorkbenchGoesOn()
    {
        Fixture f;
        QVERIFY(f.load(f.path));
        const auto before = f.state.model();
        const QString corrupt = f.dir.filePath(QStringLiteral("vlen_corrupt.h5"));
        QVERIFY(testing::saveVariableLengthModel(testing::vggModel(), corrupt.toStdString()));
        QVERIFY(testing::corruptFirstHeapObjectLength(corrupt.toStdString()));

        QSignalSpy failed(&f.panel, &ModelPanel::loadFailed);
        f.state.openModel(corrupt);
        QVERIFY(failed.wait(kTimeoutMs));
        QCOMPARE(failed.at(0).at(0).toString(), corrupt);
        const QString error = failed.at(0).at(1).toString();
        QVERIFY2(error.contains(corrupt
                                + ": attribute 'format': corrupt variable-length string data: the HDF5 "
                                  "library crashed reading it (signal 11"),
                 qPrintable(error));
        auto* box = f.panel.findChild<QMessageBox*>(QStringLiteral("modelLoadError"));
        QVERIFY(box && box->isVisible());
        QVERIFY(box->informativeText().contains("corrupt variable-length string data"));
        QCOMPARE(f.state.model(), before);

        // The same workbench then opens a good file with variable-length strings.
        box->close();
        const QString good = f.dir.filePath(QStringLiteral("vlen_good.h5"));
        QVERIFY(testing::saveVariableLengthModel(f.model, good.toStdString()));
        QVERIFY(f.load(good));
        QVERIFY(f.state.model() != before);
        QCOMPARE(f.view()->model()->rowCount(), static_cast<int>(f.model.layers.size()));
    }
};

QTEST_MAIN(TestModelPanel)
#include "test_model_panel.moc"
