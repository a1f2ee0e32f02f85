// Background work on models for the exploration state: loading model files
// (with their XNOR statistics), test accuracy with the explored circuit and
// the approximation-level sweep. Only the newest request of each kind is
// ever delivered.
#pragma once

#include "explore/accuracy.h"
#include "state/latest_only_runner.h"
#include "state/progress_runner.h"

#include <QObject>
#include <QString>

#include <memory>

namespace axbnn::gui {

enum class ModelSlot { Main, Comparison };

class ModelEvaluator : public QObject {
    Q_OBJECT

public:
    explicit ModelEvaluator(QObject* parent = nullptr);

    // Test images for accuracy and statistics (null: Fashion-MNIST), and
    // calibration images for mitigation (null: the Fashion-MNIST training set).
    void setDatasets(std::shared_ptr<const Dataset> test, std::shared_ptr<const Dataset> calibration);
    std::shared_ptr<const Dataset> testSet() const { return test_; }
    std::shared_ptr<const Dataset> calibrationSet() const { return calibration_; }
    int statImages = 500; // images the per-layer XNOR statistics are measured on
    // Accuracy counts and fitted mitigation by design hash: revisiting a
    // design (or resuming a cancelled run) reuses them. Cleared with the datasets.
    const EvaluationCache& cache() const { return *cache_; }

    void load(const QString& path, ModelSlot slot);
    bool isLoading(ModelSlot slot) const;
    // Fills in the datasets and starts (superseding) an accuracy computation.
    void evaluateAccuracy(AccuracyRequest request);
    void cancelAccuracy() { accuracy_.cancel(); }
    // Stops the accuracy job without a result or a cancelled() (a newer one follows).
    void dropAccuracy() { accuracy_.drop(); }
    bool isAccuracyBusy() const { return accuracy_.isBusy(); }
    void evaluateSweep(LevelSweepRequest request);
    // `layers`: the design's explicit per-layer units (computeLayerCosts).
    void evaluateLayerCosts(std::shared_ptr<const LoadedModel> model, Topology topology, const ApproxConfig& knobs,
                            std::shared_ptr<const CellLibrary> library, std::map<int, UnitDesign> layers = {});
    void cancelSweep() { sweep_.cancel(); }
    void dropSweep() { sweep_.drop(); }
    bool isSweepBusy() const { return sweep_.isBusy(); }

Q_SIGNALS:
    void modelLoaded(std::shared_ptr<const axbnn::LoadedModel> model, axbnn::gui::ModelSlot slot);
    void modelLoadFailed(const QString& path, const QString& message, axbnn::gui::ModelSlot slot);
    void loadingChanged(bool loading, axbnn::gui::ModelSlot slot);

    void accuracyReady(std::shared_ptr<const axbnn::AccuracyResult> result, bool final);
    void accuracyProgress(int done, int total);
    void accuracyFailed(const QString& message);
    void accuracyBusyChanged(bool busy);
    void accuracyCancelled();

    void sweepReady(std::shared_ptr<const axbnn::AccuracySweep> sweep);
    void sweepProgress(int done, int total);
    void sweepFailed(const QString& message);
    void sweepBusyChanged(bool busy);
    void sweepCancelled();

    void layerCostsReady(std::shared_ptr<const std::vector<axbnn::LayerCost>> costs);
    void layerCostsFailed(const QString& message);

private:
    LatestOnlyRunner<LoadedModel>& loader(ModelSlot slot);
    const LatestOnlyRunner<LoadedModel>& loader(ModelSlot slot) const;

    std::shared_ptr<const Dataset> test_, calibration_;
    std::shared_ptr<EvaluationCache> cache_ = std::make_shared<EvaluationCache>();
    QString loadingPath_[2];
    LatestOnlyRunner<LoadedModel> mainLoader_;
    LatestOnlyRunner<LoadedModel> comparisonLoader_;
    ProgressRunner<AccuracyResult> accuracy_;
    ProgressRunner<AccuracySweep> sweep_;
    LatestOnlyRunner<std::vector<LayerCost>> layerCosts_;
};

} // namespace axbnn::gui
