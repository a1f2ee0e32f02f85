// Background accuracy: the engine's accuracy for the explored circuit, the
// quick subset first, stale results dropped, cancel; the Pareto front.
#include "bnn/inference.h"

#include "state/exploration_state.h"
#include "explore/accuracy.h"
#include "state/progress_runner.h"
#include "widget_test_support.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 60'000;

int engineCorrect(const Model& model, const InferenceConfig& config, const Dataset& data)
{
    const std::vector<int> predictions = InferenceEngine(model, config).predict(data, 0, data.count);
    int correct = 0;
    for (int i = 0; i < data.count; ++i)
        correct += predictions[i] == data.labels[i];
    return correct;
}

std::shared_ptr<const LoadedModel> loaded(Model model)
{
    return test::loadedModel(std::move(model));
}

} // namespace

class TestAccuracy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stateDeliversTheEnginesAccuracyQuickSubsetFirst()
    {
        const auto data = smallDataset(1500);
        ExplorationState state;
        state.models()->setDatasets(data, data);
        QList<std::pair<int, bool>> delivered; // images, final
        connect(&state, &ExplorationState::accuracyChanged, this, [&](auto result, bool final) {
            if (result)
                delivered.append({result->images, final});
        });
        state.setModel(loaded(smallModel()));
        state.setLsbColumns(1); // makes the first request stale
        state.setLsbColumns(2);
        QVERIFY(QTest::qWaitFor([&] { return state.accuracyIsFinal(); }, kTimeoutMs));

        const auto result = state.accuracy();
        QCOMPARE(result->images, 1500);
        QVERIFY(result->complete);
        const Model& model = state.model()->model;
        InferenceConfig config = modelCircuitConfig(model, Topology::AdderTree, state.spec().approx, -1);
        QCOMPARE(result->correct, engineCorrect(model, config, *data));
        QCOMPARE(result->exactCorrect, engineCorrect(model, InferenceConfig{}, *data));
        // Only the newest request's results arrived: its quick subset, then all.
        QCOMPARE(delivered.size(), 2);
        QCOMPARE(delivered[0], std::make_pair(1000, false));
        QCOMPARE(delivered[1], std::make_pair(1500, true));
    }

    void approximateLayersUseTheCircuit()
    {
        const Model model = smallModel();
        ApproxConfig approx;
        approx.lsbColumns = 2;
        const InferenceConfig config = modelCircuitConfig(model, Topology::Dadda, approx, -1);
        for (size_t i = 0; i < model.layers.size(); ++i) {
            const bool approximable = isApproximable(model.layers[i]);
            QCOMPARE(config.unitFor(static_cast<int>(i)).circuit, approximable);
            if (approximable)
                QCOMPARE(config.unitFor(static_cast<int>(i)).topology, Topology::Dadda);
        }
        // Overrides reach only the chosen layer.
        approx.extraCells = {1};
        const InferenceConfig overridden = modelCircuitConfig(model, Topology::Dadda, approx, 3);
        QVERIFY(overridden.unitFor(2).approx.extraCells.empty());
        QCOMPARE(overridden.unitFor(3).approx.extraCells, std::vector<int>{1});
    }

    void staleJobResultsAreDropped()
    {
        QObject context;
        QList<int> results;
        ProgressRunner<int> runner(&context,
                                   {[&](auto r, bool final) {
                                        if (final)
                                            results << *r;
                                    },
                                    {},
                                    {},
                                    {},
                                    {}});
        std::atomic<bool> release{false};
        runner.submit([&release](JobControl<int>&) {
            while (!release.load()) // ignores cancel: finishes after the newer job
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 1;
        });
        runner.submit([](JobControl<int>&) { return 2; });
        QVERIFY(QTest::qWaitFor([&] { return !results.isEmpty(); }, kTimeoutMs));
        release = true;
        QTest::qWait(100);
        QCOMPARE(results, QList<int>{2});
        QVERIFY(!runner.isBusy());
    }

    void cancelStopsTheJob()
    {
        QObject context;
        int ready = 0, cancelled = 0;
        QList<int> progress;
        ProgressRunner<int> runner(
            &context,
            {[&](auto, bool) { ++ready; }, {}, [&](int done, int) { progress << done; }, {}, [&] { ++cancelled; }});
        runner.submit([](JobControl<int>& control) {
            for (int i = 0;; ++i) {
                if (!control.progress(i % 100, 100))
                    throw InferenceCancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return 0;
        });
        QVERIFY(QTest::qWaitFor([&] { return !progress.isEmpty(); }, kTimeoutMs));
        runner.cancel();
        QVERIFY(QTest::qWaitFor([&] { return cancelled == 1; }, kTimeoutMs));
        QCOMPARE(ready, 0);
        QVERIFY(!runner.isBusy());
    }

    void sweepCoversBothKnobs()
    {
        const auto data = smallDataset(200);
        LevelSweepRequest request;
        request.base.model = loaded(smallModel());
        request.base.test = data;
        request.base.calibration = data;
        request.comparison = loaded(smallModel(6));
        request.base.design.inputs = 72;
        request.maxLsb = 2;
        request.maxLevels = 1;
        request.images = 200;
        const AccuracySweep sweep = computeAccuracySweep(request, {});
        QCOMPARE(sweep.points.size(), size_t{4}); // lsb 0, 1, 2 and levels 1
        QVERIFY(sweep.hasComparison);
        QVERIFY(sweep.points[2].areaUm2 < sweep.points[0].areaUm2);
        // Level 0 is the exact circuit: the exact model's accuracy.
        const Model& model = request.base.model->model;
        QCOMPARE(sweep.points[0].accuracy, engineCorrect(model, InferenceConfig{}, *data) / 200.0);
        QCOMPARE(sweep.points[0].comparisonAccuracy,
                 engineCorrect(request.comparison->model, InferenceConfig{}, *data) / 200.0);
    }

    void paretoFrontKeepsOnlyUndominatedPoints()
    {
        std::vector<LevelPoint> points(5);
        const double area[] = {100, 80, 60, 90, 40};
        const double accuracy[] = {0.9, 0.88, 0.7, 0.85, 0.7};
        for (int i = 0; i < 5; ++i) {
            points[i].areaUm2 = area[i];
            points[i].accuracy = accuracy[i];
        }
        // 90 is dominated by 80; 60 by 40 (same accuracy, less area).
        QCOMPARE(levelParetoFront(points), (std::vector<int>{4, 1, 0}));
    }
};

QTEST_MAIN(TestAccuracy)
#include "test_accuracy.moc"
