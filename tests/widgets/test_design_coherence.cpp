// Every number on screen belongs to the design on screen (offscreen): the
// topology, N, the cell and the model change in sequence while background
// jobs run; after each step, and on every event in between, every plot's
// data carry the current design's hash or are drawn as stale, and the
// accuracy shown is the current design's. Revisiting a design is served by
// the evaluation cache with identical numbers.
#include "panels/accuracy_panel.h"
#include "panels/controls_panel.h"
#include "panels/model_panel.h"
#include "plots/accuracy_plot_panel.h"
#include "plots/cost_plot_panel.h"
#include "plots/customplot.h"
#include "plots/error_plot_panel.h"
#include "plots/pareto_plot_panel.h"
#include "state/exploration_state.h"
#include "widget_test_support.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 120'000;

struct Screen {
    ExplorationState state;
    AccuracyPlotPanel accuracyPlot{&state};
    ParetoPlotPanel pareto{&state};
    CostPlotPanel cost{&state};
    ErrorPlotPanel error{&state};
    ModelPanel model{&state};
    AccuracyPanel accuracy{&state};

    QCustomPlot* plot(QWidget& panel) { return panel.findChild<QCustomPlot*>(); }
    std::vector<std::pair<QCustomPlot*, Aspect>> plots()
    {
        return {{plot(accuracyPlot), Aspect::LevelSweep},
                {plot(pareto), Aspect::LevelSweep},
                {plot(cost), Aspect::CostSweep}};
    }

    // Empty when coherent, else what is not.
    QString incoherence()
    {
        for (const auto& [plot, aspect] : plots()) {
            const QString shown = plot->property("designHash").toString();
            const bool stale = plot->property("stale").toBool();
            if (!shown.isEmpty() && !stale && shown.toStdString() != state.designHash(aspect))
                return plot->objectName() + " shows another design's data as current";
        }
        if (const auto report = state.report();
            report && !state.isCurrent(*report) && !plot(error)->property("stale").toBool())
            return QStringLiteral("the error distribution of another circuit is shown as current");
        if (state.layerCosts() && !state.layerCostsAreCurrent()
            && !model.findChild<QTableView*>(QStringLiteral("layerTable"))->property("stale").toBool())
            return QStringLiteral("the layer table shows other knobs' costs as current");
        if (const auto result = state.accuracy(); result && !state.isCurrent(*result))
            return QStringLiteral("the state's accuracy is another design's");
        auto* status = accuracy.findChild<QLabel*>(QStringLiteral("accuracyStatus"));
        if (status->text().startsWith(QStringLiteral("accuracy ")) && !status->text().contains(u"computing")
            && status->property("designHash").toString().toStdString() != state.designHash(Aspect::Accuracy))
            return QStringLiteral("the accuracy label shows another design's number");
        return {};
    }

    bool allCurrent()
    {
        for (const auto& [plot, aspect] : plots())
            if (plot->property("stale").toBool()
                || plot->property("designHash").toString().toStdString() != state.designHash(aspect))
                return false;
        return state.accuracyIsFinal() && state.accuracy() && state.isCurrent(*state.accuracy())
            && state.layerCostsAreCurrent();
    }
};

} // namespace

class TestDesignCoherence : public QObject {
    Q_OBJECT

    // Checks coherence on every event until everything is current again.
    void settle(Screen& s, const char* step)
    {
        QString problem = s.incoherence();
        QTimer probe;
        connect(&probe, &QTimer::timeout, this, [&] {
            if (problem.isEmpty())
                problem = s.incoherence();
        });
        probe.start(5);
        const bool done = QTest::qWaitFor([&] { return !problem.isEmpty() || s.allCurrent(); }, kTimeoutMs);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(step, problem)));
        if (!done)
            for (const auto& [plot, aspect] : s.plots())
                qWarning("%s: %s stale %d shows %s current %s", step, qPrintable(plot->objectName()),
                         plot->property("stale").toBool(), qPrintable(plot->property("designHash").toString()),
                         s.state.designHash(aspect).c_str());
        QVERIFY2(done, step);
    }

private Q_SLOTS:
    void everyStepShowsOnlyTheCurrentDesign()
    {
        Screen s;
        const auto data = smallDataset(300);
        s.state.models()->setDatasets(data, data);
        s.state.models()->statImages = 100;
        s.state.setLsbColumns(1);
        s.state.setModel(loadedModel(smallModel(), "first"));
        s.state.refresh();
        settle(s, "model loaded");
        QCOMPARE(s.state.spec().inputs, 72); // the first conv layer's fan-in

        s.state.setTopology(Topology::Dadda);
        QVERIFY(s.plot(s.accuracyPlot)->property("stale").toBool()); // at once, before any job
        settle(s, "topology");
        s.state.setInputs(128);
        settle(s, "N");
        s.state.setFaCell(QStringLiteral("maj"));
        settle(s, "cell");
        s.state.setModel(loadedModel(smallModel(6), "second"));
        settle(s, "model");
        s.state.setLsbColumns(2);
        s.state.setTopology(Topology::AdderTree); // two changes while jobs run
        settle(s, "two quick changes");
    }

    void revisitingADesignHitsTheCache()
    {
        Screen s;
        const auto data = smallDataset(300);
        s.state.models()->setDatasets(data, data);
        s.state.setMitigation(QStringLiteral("bias"));
        s.state.setLsbColumns(1);
        s.state.setModel(loadedModel(smallModel(), "m"));
        s.state.refresh();
        QVERIFY(QTest::qWaitFor([&] { return s.allCurrent(); }, kTimeoutMs));
        const AccuracyResult first = *s.state.accuracy();
        const AccuracySweep sweep = *s.state.accuracySweep();
        QVERIFY(!first.cached);

        s.state.setLsbColumns(2);
        QVERIFY(QTest::qWaitFor([&] { return s.allCurrent(); }, kTimeoutMs));
        QVERIFY(s.state.accuracy()->hash != first.hash);
        const int misses = s.state.models()->cache().misses();

        s.state.setLsbColumns(1); // back to the first design
        QVERIFY(QTest::qWaitFor([&] { return s.allCurrent(); }, kTimeoutMs));
        const AccuracyResult again = *s.state.accuracy();
        QVERIFY(again.cached); // no inference ran
        QCOMPARE(s.state.models()->cache().misses(), misses);
        QCOMPARE(again.hash, first.hash);
        QCOMPARE(again.correct, first.correct);
        QCOMPARE(again.exactCorrect, first.exactCorrect);
        QCOMPARE(again.images, first.images);
        // The level sweep does not depend on the level: the same points.
        QCOMPARE(s.state.accuracySweep()->hash, sweep.hash);
        QCOMPARE(s.state.accuracySweep()->points.size(), sweep.points.size());
        for (size_t i = 0; i < sweep.points.size(); ++i)
            QCOMPARE(s.state.accuracySweep()->points[i].mitigatedAccuracy, sweep.points[i].mitigatedAccuracy);
    }

    // N, k x k x C and the selected layer never disagree; a cleared layer says so.
    void inputsKernelAndLayerAgree()
    {
        ExplorationState state;
        ControlsPanel controls(&state);
        auto* k = controls.findChild<QSpinBox*>(QStringLiteral("kernelSizeSpin"));
        auto* c = controls.findChild<QSpinBox*>(QStringLiteral("channelsSpin"));
        auto* note = controls.findChild<QLabel*>(QStringLiteral("stateNote"));
        state.setInputs(3136);
        QCOMPARE(k->value() * k->value() * c->value(), 3136); // 7 x 7 x 64, not k = 5
        state.setModel(loadedModel(smallModel(), "m")); // selects the conv layer: 3 x 3 x 8
        QCOMPARE(state.selectedLayer(), 2);
        QCOMPARE(std::make_pair(k->value(), c->value()), std::make_pair(3, 8));
        QSignalSpy notes(&state, &ExplorationState::note);
        state.setInputs(100);
        QCOMPARE(state.selectedLayer(), -1);
        QCOMPARE(notes.size(), 1);
        QVERIFY(note->isVisibleTo(&controls));
        QVERIFY(note->text().contains(QStringLiteral("deselected")));
        QCOMPARE(k->value() * k->value() * c->value(), 100);
        state.selectLayer(3); // the dense layer sets N to its fan-in
        QCOMPARE(state.spec().inputs, state.model()->model.layers[3].fanIn());
        QCOMPARE(k->value() * k->value() * c->value(), state.spec().inputs);
    }

    // The chain has only half adders: the knobs select them, but only a
    // half-adder cell replaces them, and the controls say so.
    void chainSaysWhenTheFullAdderCellDoesNotApply()
    {
        ExplorationState state;
        ControlsPanel controls(&state);
        auto* knobNote = controls.findChild<QLabel*>(QStringLiteral("knobNote"));
        state.setTopology(Topology::Chain);
        state.setLsbColumns(2);
        QVERIFY(knobNote->isVisibleTo(&controls));
        controls.findChild<QComboBox*>(QStringLiteral("haCellCombo"))->setCurrentText(QStringLiteral("or-ha"));
        QCOMPARE(state.spec().approx.haCell, std::string("or-ha"));
        QVERIFY(!knobNote->isVisibleTo(&controls));
        QVERIFY(QTest::qWaitFor([&] { return state.report() && state.isCurrent(*state.report()); }, kTimeoutMs));
        QVERIFY(state.report()->cost.approximateCells > 0);
    }

    // A cancelled accuracy run resumes from the chunks it had counted.
    void cancelledAccuracyResumes()
    {
        Screen s;
        const auto data = smallDataset(3000);
        s.state.models()->setDatasets(data, data);
        s.state.setLsbColumns(2);
        s.state.setModel(loadedModel(smallModel(), "m"));
        QVERIFY(QTest::qWaitFor([&] { return s.state.accuracy() != nullptr; }, kTimeoutMs)); // quick pass done
        s.state.cancelAccuracy();
        QVERIFY(QTest::qWaitFor([&] { return !s.state.models()->isAccuracyBusy(); }, kTimeoutMs));
        const int hitsBefore = s.state.models()->cache().hits();
        s.state.refresh(); // run it again
        QVERIFY(QTest::qWaitFor([&] { return s.state.accuracyIsFinal(); }, kTimeoutMs));
        QVERIFY(s.state.models()->cache().hits() > hitsBefore); // the quick pass's chunks were reused
        QCOMPARE(s.state.accuracy()->images, 3000);
    }
};

QTEST_MAIN(TestDesignCoherence)
#include "test_design_coherence.moc"
