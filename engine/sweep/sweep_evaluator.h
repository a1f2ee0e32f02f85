// Evaluates one sweep point: the circuit's cost and error statistics
// (evaluateCircuit) and, for model workloads, the model's exact and
// approximate accuracy with the point's mitigation, cached so that each
// accuracy is computed once per sweep run.
#pragma once

#include "explore/evaluate.h"
#include "io/dataset.h"
#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <optional>

namespace axbnn {

class SweepEvaluator {
public:
    // Loads the evaluation data (and calibration data) now if any of
    // `pending` needs it, so that bad data fails before the first point.
    // `cancel` (optional) aborts a running inference; `cache` (optional)
    // keeps accuracy counts by design hash (explore/evaluate.h).
    SweepEvaluator(const SweepSpec& spec, const std::vector<SweepPoint>& pending,
                   const std::atomic<bool>* cancel = nullptr, EvaluationCache* cache = nullptr);

    // Thread-safe. Throws std::invalid_argument "point I (key): problem" on
    // a point the engine rejects, InferenceCancelled when cancelled.
    SweepRow evaluate(const SweepPoint& point, int sweepPoints);

    int exactAccuracyRuns() const { return exactRuns_; }
    int accuracyRuns() const { return approxRuns_; }

private:
    double cachedAccuracy(const std::string& key, bool exact, const std::function<double()>& compute);
    double accuracy(const SweepPoint& point);
    int imageCount() const;

    const SweepSpec& spec_;
    const std::atomic<bool>* cancel_;
    EvaluationCache* cache_;
    std::optional<Dataset> data_, calibration_;
    std::mutex mutex_;
    std::map<std::string, std::shared_future<double>> accuracy_;
    std::atomic<int> exactRuns_{0}, approxRuns_{0};
};

} // namespace axbnn
