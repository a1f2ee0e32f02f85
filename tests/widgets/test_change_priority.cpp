// A control change's circuit report comes first: the cost-against-N sweep of
// the same change starts only once the report is out, and always for the
// newest knobs (run with QT_QPA_PLATFORM=offscreen).
#include "state/background_pool.h"
#include "state/exploration_state.h"
#include "state/latest_only_runner.h"
#include "explore/model_analysis.h"
#include "state/model_evaluator.h"
#include "state/progress_runner.h"
#include "widget_test_support.h"

#include <QThreadPool>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <string>
#include <vector>

using namespace axbnn;
using namespace axbnn::gui;

namespace {

constexpr int kTimeoutMs = 120'000;

bool waitUntilQuiet(const ExplorationState& state)
{
    return QTest::qWaitFor([&] { return !state.isBusy() && !state.isCostSweepBusy(); }, kTimeoutMs);
}

} // namespace

class TestChangePriority : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sweepStartsAfterTheReport()
    {
        CircuitSpec spec;
        spec.inputs = 576;
        spec.topology = Topology::Wallace;
        ExplorationState state(spec, CellLibrary::defaults());
        state.refresh();
        QVERIFY(waitUntilQuiet(state));

        std::vector<std::string> events;
        connect(&state, &ExplorationState::reportReady, this, [&] { events.push_back("report"); });
        connect(&state, &ExplorationState::costSweepBusyChanged, this, [&](bool busy) {
            if (busy)
                events.push_back("sweep started");
        });
        connect(&state, &ExplorationState::costSweepReady, this, [&] { events.push_back("sweep"); });
        state.setLsbColumns(2);
        // The sweep waits (and counts as busy) while the report is computed.
        QVERIFY(state.isBusy());
        QVERIFY(state.isCostSweepWaiting());
        QVERIFY(state.isCostSweepBusy());
        QVERIFY(waitUntilQuiet(state));
        QVERIFY(!state.isCostSweepWaiting());
        const std::vector<std::string> expected{"report", "sweep started", "sweep"};
        QCOMPARE(events, expected);
        QCOMPARE(state.costSweep()->approx.lsbColumns, 2);
    }

    void layerCostsWaitForTheReportToo()
    {
        ExplorationState state;
        state.setModel(test::loadedModel(test::smallModel()));
        state.refresh();
        QVERIFY(waitUntilQuiet(state));
        QVERIFY(QTest::qWaitFor([&] { return state.layerCosts() != nullptr; }, kTimeoutMs));

        std::vector<std::string> events;
        connect(&state, &ExplorationState::reportReady, this, [&] { events.push_back("report"); });
        connect(&state, &ExplorationState::layerCostsChanged, this, [&] { events.push_back("layer costs"); });
        state.setLsbColumns(3);
        QVERIFY(waitUntilQuiet(state));
        QVERIFY(QTest::qWaitFor([&] { return events.size() >= 2; }, kTimeoutMs));
        const std::vector<std::string> expected{"report", "layer costs"};
        QCOMPARE(events, expected);
        state.cancelAccuracy();
    }

    // With a model, the change's accuracy inference would share both cores
    // with its report: it starts only once the report is out, and the stale
    // one stops at once.
    void accuracyStartsAfterTheReport()
    {
        ExplorationState state;
        state.setModel(test::loadedModel(test::smallModel()));
        state.refresh();
        QVERIFY(waitUntilQuiet(state));
        state.models()->cancelSweep(); // the level sweep (not redone for an LSB change)
        QVERIFY(QTest::qWaitFor([&] { return !state.models()->isSweepBusy(); }, kTimeoutMs));

        std::vector<std::string> events;
        connect(&state, &ExplorationState::reportReady, this, [&] { events.push_back("report"); });
        connect(state.models(), &ModelEvaluator::accuracyBusyChanged, this, [&](bool busy) {
            if (busy)
                events.push_back("accuracy started");
        });
        state.setLsbColumns(3);
        QVERIFY(state.isBusy());
        QVERIFY(!state.models()->isAccuracyBusy()); // the stale job is dropped, the new one waits
        QVERIFY(QTest::qWaitFor([&] { return events.size() >= 2; }, kTimeoutMs));
        const std::vector<std::string> expected{"report", "accuracy started"};
        QCOMPARE(events, expected);
        state.cancelAccuracy();
    }

    // Qt's raster engine waits on the GUI thread for tasks it puts on the
    // global pool: background jobs must leave that pool free.
    void backgroundJobsLeaveTheGlobalPoolFree()
    {
        std::atomic<bool> release{false};
        std::atomic<int> running{0}, done{0};
        const auto blocker = [&] {
            ++running;
            while (!release)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            ++done;
            return 1;
        };
        QObject context;
        LatestOnlyRunner<int> latest(&context, {[](auto) {}, [](const QString&) {}, {}});
        ProgressRunner<int> progress(&context, {[](auto, bool) {}, [](const QString&) {}, {}, {}, {}});
        latest.submit(blocker);
        progress.submit([&](JobControl<int>&) { return blocker(); });
        QVERIFY(QTest::qWaitFor([&] { return running == 2; }, kTimeoutMs));
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QVERIFY(backgroundPool()->activeThreadCount() >= 2); // (earlier tests' jobs may still run)
        release = true;
        QVERIFY(QTest::qWaitFor([&] { return done == 2 && !latest.isBusy() && !progress.isBusy(); }, kTimeoutMs));
    }

    void onlyTheNewestSweepRunsAfterADrag()
    {
        ExplorationState state;
        state.refresh();
        QVERIFY(waitUntilQuiet(state));
        QSignalSpy sweeps(&state, &ExplorationState::costSweepReady);
        QSignalSpy reports(&state, &ExplorationState::reportReady);
        for (const int lsb : {1, 2, 3, 4})
            state.setLsbColumns(lsb);
        QVERIFY(waitUntilQuiet(state));
        QCOMPARE(reports.count(), 1);
        QCOMPARE(sweeps.count(), 1);
        QCOMPARE(state.report()->spec.approx.lsbColumns, 4);
        QCOMPARE(state.costSweep()->approx.lsbColumns, 4);
    }

    void failedReportStillStartsTheSweep()
    {
        ExplorationState state;
        state.refresh();
        QVERIFY(waitUntilQuiet(state));
        QSignalSpy failures(&state, &ExplorationState::failed);
        state.setInputs(0); // the engine refuses this size
        state.setLsbColumns(3);
        QVERIFY(waitUntilQuiet(state));
        QCOMPARE(failures.count(), 1);
        QVERIFY(state.costSweep());
        QCOMPARE(state.costSweep()->approx.lsbColumns, 3);
    }
};

QTEST_MAIN(TestChangePriority)
#include "test_change_priority.moc"
