// Imported netlists in the workbench (issue 7): opening a hand-written
// netlist shows the error metrics computed by hand and by the engine; a
// malformed one gives an error naming the line and keeps the previous
// circuit; an imported circuit is the popcount of the selected layer in the
// accuracy when its inputs equal the layer's fan-in; sessions keep it; the
// Yosys action shows the counts of circuit/yosys_report.
#include "bnn/inference.h"
#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"
#include "circuit/verilog_writer.h"
#include "io/netlist_import.h"

#include "circuit_view/circuit_view.h"
#include "panels/controls_panel.h"
#include "state/exploration_state.h"
#include "panels/netlist_actions.h"
#include "state/session.h"
#include "panels/summary_panel.h"
#include "widget_test_support.h"
#include "panels/yosys_panel.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace axbnn;
using namespace axbnn::gui;

namespace {

// 3-input popcount with an exact sum and the carry x0 & x1: inputs 101 and
// 011 give 0 instead of 2, every other input is right. With p = 0.5: error
// rate 2/8, mean error -0.5, MAE 0.5, MSE 1, WCE 2.
const char* const kApc3 = R"(// hand-written approximate popcount
module apc3(x, y);
  input [2:0] x;
  output [1:0] y;
  assign y[0] = x[0] ^ x[1] ^ x[2];
  assign y[1] = x[0] & x[1];
endmodule
)";

const char* const kMalformed = R"(module bad(x, y);
  input [1:0] x;
  output [1:0] y;
  assign y[0] = x[0] & w;
  assign y[1] = x[1];
endmodule
)";

QString writeText(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return f.fileName();
}

bool openAndWait(ExplorationState& state, const QString& path)
{
    QSignalSpy opened(&state, &ExplorationState::netlistChanged);
    QSignalSpy failed(&state, &ExplorationState::netlistLoadFailed);
    state.openNetlist(path);
    return QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 30000) && !opened.isEmpty();
}

} // namespace

class TestNetlistGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QCoreApplication::setApplicationName(QStringLiteral("axbnn-test-netlist-gui")); }

    void openShowsHandAndEngineMetrics()
    {
        QTemporaryDir dir;
        const QString path = writeText(dir, "apc3.v", kApc3);
        ExplorationState state;
        SummaryPanel summary(&state);
        ControlsPanel controls(&state);
        CircuitView view;
        connect(&state, &ExplorationState::reportReady, &view, &CircuitView::setReport);
        state.setInputs(6000); // a built report still on its way must not replace the import
        QVERIFY(openAndWait(state, path));
        QVERIFY(QTest::qWaitFor([&] { return !state.isBusy(); }, 30000));
        QVERIFY(state.hasImportedNetlist());
        QCOMPARE(state.importedPath(), path);
        QCOMPARE(state.spec().inputs, 3);
        const auto report = state.report();
        QVERIFY(report);
        QCOMPARE(QString::fromStdString(report->source), path);
        // By hand.
        QCOMPARE(report->error.errorRate, 0.25);
        QCOMPARE(report->error.meanError, -0.5);
        QCOMPARE(report->error.mae, 0.5);
        QCOMPARE(report->error.mse, 1.0);
        QCOMPARE(report->error.wce, 2);
        // By the engine, as `axbnn import-netlist` computes it.
        const CircuitReport engine = evaluateNetlist(importNetlistFile(path.toStdString()), state.spec(),
                                                     report->librarySource, path.toStdString());
        QCOMPARE(report->cost.areaUm2, engine.cost.areaUm2);
        QCOMPARE(report->cost.transistors, engine.cost.transistors);
        QCOMPARE(report->error.mae, engine.error.mae);
        // The summary shows them, and the circuit view draws the imported cells.
        QVERIFY(summary.findChild<QLabel*>("designValue")->text().contains("apc3.v"));
        // The controls say that their knobs describe the built circuit, not this one.
        const QLabel* note = controls.findChild<QLabel*>("importNote");
        QVERIFY(note && note->isVisibleTo(&controls));
        QVERIFY(note->text().contains("apc3.v"));
        QCOMPARE(summary.findChild<QLabel*>("maeValue")->text().left(3), QStringLiteral("0.5"));
        QVERIFY(QTest::qWaitFor([&] { return view.layout() && !view.isBusy(); }, 10000));
        QCOMPARE(view.layout()->cells.size(), report->netlist.cells.size());

        // A new p re-evaluates the imported circuit (not a built one).
        QSignalSpy ready(&state, &ExplorationState::reportReady);
        state.setP(0.25);
        QVERIFY(ready.wait(10000));
        QCOMPARE(QString::fromStdString(state.report()->source), path);
        QCOMPARE(state.report()->spec.p, 0.25);
        // A knob of the built circuit returns to it.
        state.setLsbColumns(1);
        QVERIFY(!state.hasImportedNetlist());
        QVERIFY(!note->isVisibleTo(&controls));
        QVERIFY(QTest::qWaitFor([&] { return state.report() && state.report()->source.empty(); }, 10000));
    }

    void malformedNetlistKeepsPreviousCircuit()
    {
        QTemporaryDir dir;
        const QString good = writeText(dir, "apc3.v", kApc3);
        const QString bad = writeText(dir, "bad.v", kMalformed);
        ExplorationState state;
        QWidget window;
        NetlistActions actions(&state, &window);
        QVERIFY(openAndWait(state, good));
        const auto before = state.report();
        QVERIFY(actions.closeAction()->isEnabled());

        QSignalSpy failed(&actions, &NetlistActions::failed);
        actions.openFile(bad);
        QVERIFY(failed.wait(10000));
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains("line 4") && message.contains("'w' is not declared"), qPrintable(message));
        auto* box = window.findChild<QMessageBox*>("netlistLoadError");
        QVERIFY(box);
        QVERIFY(box->text().contains("bad.v"));
        // Previous state intact.
        QCOMPARE(state.importedPath(), good);
        QCOMPARE(state.report(), before);
        QCOMPARE(state.spec().inputs, 3);

        // A missing file too.
        actions.openFile(dir.filePath("missing.json"));
        QVERIFY(failed.wait(10000));
        QCOMPARE(state.importedPath(), good);
    }

    // The level sweep (Pareto and accuracy plots) follows the imported circuit's N.
    void importingANetlistOfAnotherNRecomputesTheLevelSweep()
    {
        QTemporaryDir dir;
        const CellLibrary library = CellLibrary::defaults();
        const QString path = dir.filePath("pc128.v");
        writeVerilogFile(buildPopcount(128, Topology::AdderTree, library), "pc128", path.toStdString());
        ExplorationState state;
        const auto data = test::smallDataset(100);
        state.models()->setDatasets(data, data);
        state.setModel(test::loadedModel(test::smallModel(), "small"));
        state.refresh();
        QVERIFY(QTest::qWaitFor([&] { return state.accuracySweep() && state.isCurrent(*state.accuracySweep()); },
                                60000));
        QCOMPARE(state.accuracySweep()->inputs, 72);
        QVERIFY(openAndWait(state, path));
        QVERIFY(!state.isCurrent(*state.accuracySweep()) || state.accuracySweep()->inputs == 128);
        QVERIFY(QTest::qWaitFor([&] { return state.accuracySweep() && state.isCurrent(*state.accuracySweep()); },
                                60000));
        QCOMPARE(state.accuracySweep()->inputs, 128);
    }

    void importedCircuitIsTheLayerPopcountInAccuracy()
    {
        QTemporaryDir dir;
        // Approximate 72-input circuit (fan-in of the small model's conv layer).
        const CellLibrary library = CellLibrary::defaults();
        ApproxConfig approx;
        approx.lsbColumns = 5;
        const Netlist circuit = applyApproximation(buildPopcount(72, Topology::AdderTree, library), library, approx);
        const QString path = dir.filePath("pc72.v");
        writeVerilogFile(circuit, "pc72", path.toStdString());

        ExplorationState state;
        const auto data = test::smallDataset(200);
        state.models()->setDatasets(data, data);
        auto model = std::make_shared<LoadedModel>();
        model->path = "small";
        model->model = test::smallModel();
        state.setModel(model);
        const int conv = 2, dense = 3;
        QCOMPARE(state.selectedLayer(), conv);
        QVERIFY(openAndWait(state, path));
        QCOMPARE(state.importedLayer(), conv);
        QVERIFY2(state.importedUse().contains("popcount of layer"), qPrintable(state.importedUse()));
        QVERIFY(QTest::qWaitFor([&] { return state.accuracy() && state.accuracyIsFinal(); }, 60000));

        // The engine with that circuit on the conv layer only.
        InferenceConfig config;
        config.popcount.resize(model->model.layers.size());
        config.popcount[conv] = PopcountUnitConfig::makeCircuit(Topology::AdderTree, approx);
        const InferenceEngine engine(model->model, config);
        const std::vector<int> predicted = engine.predict(*data, 0, data->count);
        int correct = 0;
        for (int i = 0; i < data->count; ++i)
            correct += predicted[i] == data->labels[i];
        QCOMPARE(state.accuracy()->images, data->count);
        QCOMPARE(state.accuracy()->correct, correct);
        // The approximation matters here, so the comparison above tells the circuits apart.
        QVERIFY2(correct != state.accuracy()->exactCorrect, qPrintable(QString::number(correct)));

        // A layer of another fan-in: said clearly, and the built circuit is used.
        state.selectLayer(dense);
        QVERIFY(state.hasImportedNetlist());
        QCOMPARE(state.importedLayer(), -1);
        QVERIFY2(state.importedUse().contains("does not fit") && state.importedUse().contains("128"),
                 qPrintable(state.importedUse()));
        QVERIFY(QTest::qWaitFor([&] { return state.accuracy() && state.accuracyIsFinal(); }, 60000));
        QCOMPARE(state.accuracy()->correct, state.accuracy()->exactCorrect); // knobs are 0: exact

        // Back on the conv layer with the import, then N changed by hand: the
        // accuracy is recomputed for the built (exact) circuit.
        state.selectLayer(conv);
        QVERIFY(QTest::qWaitFor([&] { return state.accuracy() && state.accuracyIsFinal(); }, 60000));
        QCOMPARE(state.accuracy()->correct, correct);
        state.setInputs(100);
        QVERIFY(!state.hasImportedNetlist());
        QVERIFY(QTest::qWaitFor([&] { return state.accuracy() && state.accuracyIsFinal(); }, 60000));
        QCOMPARE(state.accuracy()->correct, state.accuracy()->exactCorrect);
    }

    void sessionKeepsImportedNetlist()
    {
        QTemporaryDir dir;
        const QString path = writeText(dir, "apc3.v", kApc3);
        ExplorationState state;
        QVERIFY(openAndWait(state, path));
        const Session saved = captureSession(state);
        QCOMPARE(QString::fromStdString(saved.unit.netlist), path);
        const Session read = sessionFromJson(sessionJson(saved), "test");
        QVERIFY(read == saved);

        ExplorationState restored;
        QSignalSpy opened(&restored, &ExplorationState::netlistChanged);
        applySession(restored, read);
        QVERIFY(opened.wait(10000));
        QCOMPARE(restored.importedPath(), path);
        QVERIFY(QTest::qWaitFor([&] { return restored.report() != nullptr; }, 10000));
        QCOMPARE(restored.report()->error.mae, 0.5);

        // A session without a netlist returns to the built circuit.
        Session built = read;
        built.unit.netlist.clear();
        applySession(restored, built);
        QVERIFY(!restored.hasImportedNetlist());
    }

    void yosysActionShowsYosysReportCounts()
    {
        ExplorationState state;
        YosysPanel panel(&state);
        if (!panel.yosysFound()) {
            QVERIFY(!panel.synthesizeAction()->isEnabled());
            QVERIFY(panel.synthesizeAction()->toolTip().contains("not found"));
            QSKIP("yosys is not installed");
        }
        QSignalSpy ready(&state, &ExplorationState::reportReady);
        state.setInputs(8);
        QVERIFY(ready.wait(10000));
        QVERIFY(panel.synthesizeAction()->isEnabled());
        QSignalSpy done(&panel, &YosysPanel::reportReady);
        panel.synthesizeAction()->trigger();
        QVERIFY(done.wait(120000));
        const auto shown = panel.report();
        QVERIFY(shown && shown->ran);
        const YosysReport expected = runYosysReport(state.report()->netlist);
        QVERIFY(expected.ran);
        QCOMPARE(shown->cellCount, expected.cellCount);
        QCOMPARE(shown->transistors, expected.transistors);
        QVERIFY(shown->cellCount > 0);
        const QString text = panel.summaryText();
        QVERIFY2(text.contains(QString::number(expected.transistors))
                     && text.contains(QString::number(state.report()->cost.transistors)),
                 qPrintable(text));

        // Another N: the result is of another circuit and says so; back to N = 8 it is current again.
        state.setInputs(9);
        QVERIFY(panel.property("stale").toBool());
        QVERIFY(panel.findChild<QLabel*>()->text().contains(QStringLiteral("another circuit")));
        state.setP(0.25); // the input statistic does not change the synthesized circuit
        state.setInputs(8);
        QVERIFY(!panel.property("stale").toBool());
    }
};

QTEST_MAIN(TestNetlistGui)
#include "test_netlist_gui.moc"
