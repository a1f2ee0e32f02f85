// Wires the model jobs to LatestOnlyRunner / ProgressRunner and to signals.
#include "state/model_evaluator.h"

#include "state/background_pool.h"

namespace axbnn::gui {

namespace {

// The statistics are a bonus: without test images a model still loads.
std::shared_ptr<const Dataset> statisticsData(const std::shared_ptr<const Dataset>& test)
{
    if (test)
        return test;
    try {
        return sharedDataset("fashion-mnist");
    } catch (const std::exception&) {
        return nullptr;
    }
}

int index(ModelSlot slot)
{
    return slot == ModelSlot::Main ? 0 : 1;
}

} // namespace

ModelEvaluator::ModelEvaluator(QObject* parent)
    : QObject(parent),
      mainLoader_(
          this,
          {[this](auto model) { Q_EMIT modelLoaded(model, ModelSlot::Main); },
           [this](const QString& message) { Q_EMIT modelLoadFailed(loadingPath_[0], message, ModelSlot::Main); },
           [this](bool busy) { Q_EMIT loadingChanged(busy, ModelSlot::Main); }}),
      comparisonLoader_(
          this,
          {[this](auto model) { Q_EMIT modelLoaded(model, ModelSlot::Comparison); },
           [this](const QString& message) { Q_EMIT modelLoadFailed(loadingPath_[1], message, ModelSlot::Comparison); },
           [this](bool busy) { Q_EMIT loadingChanged(busy, ModelSlot::Comparison); }}),
      accuracy_(this,
                {[this](auto result, bool final) { Q_EMIT accuracyReady(result, final); },
                 [this](const QString& message) { Q_EMIT accuracyFailed(message); },
                 [this](int done, int total) { Q_EMIT accuracyProgress(done, total); },
                 [this](bool busy) { Q_EMIT accuracyBusyChanged(busy); }, [this] { Q_EMIT accuracyCancelled(); }},
                inferencePool()),
      sweep_(this,
             {[this](auto sweep, bool final) {
                  if (final)
                      Q_EMIT sweepReady(sweep);
              },
              [this](const QString& message) { Q_EMIT sweepFailed(message); },
              [this](int done, int total) { Q_EMIT sweepProgress(done, total); },
              [this](bool busy) { Q_EMIT sweepBusyChanged(busy); }, [this] { Q_EMIT sweepCancelled(); }},
             inferencePool()),
      layerCosts_(this,
                  {[this](auto costs) { Q_EMIT layerCostsReady(costs); },
                   [this](const QString& message) { Q_EMIT layerCostsFailed(message); },
                   {}})
{}

void ModelEvaluator::setDatasets(std::shared_ptr<const Dataset> test, std::shared_ptr<const Dataset> calibration)
{
    test_ = std::move(test);
    calibration_ = std::move(calibration);
    cache_->clear(); // counts of other images
}

LatestOnlyRunner<LoadedModel>& ModelEvaluator::loader(ModelSlot slot)
{
    return slot == ModelSlot::Main ? mainLoader_ : comparisonLoader_;
}

const LatestOnlyRunner<LoadedModel>& ModelEvaluator::loader(ModelSlot slot) const
{
    return slot == ModelSlot::Main ? mainLoader_ : comparisonLoader_;
}

void ModelEvaluator::load(const QString& path, ModelSlot slot)
{
    loadingPath_[index(slot)] = path;
    loader(slot).submit([path = path.toStdString(), test = test_, images = statImages] {
        const auto data = statisticsData(test);
        return loadModelWithStats(path, data.get(), images);
    });
}

bool ModelEvaluator::isLoading(ModelSlot slot) const
{
    return loader(slot).isBusy();
}

void ModelEvaluator::evaluateAccuracy(AccuracyRequest request)
{
    request.test = test_;
    request.calibration = calibration_;
    request.cache = cache_;
    accuracy_.submit([request = std::move(request)](JobControl<AccuracyResult>& control) {
        return computeAccuracy(
            request, [&control](int done, int total) { return control.progress(done, total); },
            [&control](AccuracyResult partial) { control.publish(std::move(partial)); });
    });
}

void ModelEvaluator::evaluateSweep(LevelSweepRequest request)
{
    request.base.test = test_;
    request.base.calibration = calibration_;
    request.base.cache = cache_;
    sweep_.submit([request = std::move(request)](JobControl<AccuracySweep>& control) {
        return computeAccuracySweep(request, [&control](int done, int total) { return control.progress(done, total); });
    });
}

void ModelEvaluator::evaluateLayerCosts(std::shared_ptr<const LoadedModel> model, Topology topology,
                                        const ApproxConfig& knobs, std::shared_ptr<const CellLibrary> library,
                                        std::map<int, UnitDesign> layers)
{
    layerCosts_.submit(
        [model = std::move(model), topology, knobs, library = std::move(library), layers = std::move(layers)] {
            return computeLayerCosts(model->model, topology, knobs, *library, layers);
        });
}

} // namespace axbnn::gui
