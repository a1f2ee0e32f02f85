// Runs one per-layer search (engine/search: prepareSearch, runSearch) off
// the GUI thread: every evaluation publishes the proxy front so far, so the
// dock watches it grow; cancel stops the running inference at once and
// still delivers what was found.
#pragma once

#include "state/progress_runner.h"

#include "explore/accuracy.h"
#include "search/search_run.h"
#include "search/search_setup.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace axbnn::gui {

// One network of the front, copied out of the search (which ends with the job).
struct SearchFrontPoint {
    int order = 0; // evaluation number
    NetworkCost cost;
    AccuracyCount proxy;
    std::optional<AccuracyCount> test; // verified on the test set
    Mitigation mitigation = Mitigation::None;
    struct Layer {
        int layer = 0; // model layer
        std::string name;
        UnitDesign unit;
        bool exact = false; // replaces no cell
        std::string text; // unitSummary
        NetworkCost cost; // this layer's share
    };
    std::vector<Layer> layers; // per searched layer
    std::string layerConfig; // the design as a layer config (searchLayerConfig), JSON text
};

struct SearchSnapshot {
    bool final = false; // the search is over (verified unless cancelled)
    SearchStop stop = SearchStop::None;
    int evaluations = 0, limit = 0;
    double seconds = 0.0;
    double exactProxy = 0.0; // exact design's proxy accuracy
    std::vector<SearchFrontPoint> front; // cheapest first
    // Final only:
    int chosen = -1; // index into front (-1: none met the budget on the test set)
    AccuracyCount exactTest;
    NetworkCost exactCost;
    std::string frontCsv; // searchFrontCsv
};

struct SearchRequest {
    SearchCommand command; // options (setup.model: the model's path)
    std::shared_ptr<const LoadedModel> model;
    std::shared_ptr<const Dataset> test, calibration; // null: loaded from command.setup's specs
    std::shared_ptr<const CellLibrary> library;
};

class SearchJob : public QObject {
    Q_OBJECT

public:
    explicit SearchJob(QObject* parent = nullptr);
    ~SearchJob() override;

    // Starts (cancelling a running search). `cache` keeps accuracy counts
    // across runs (revisited designs cost no inference).
    void start(SearchRequest request, std::shared_ptr<EvaluationCache> cache);
    // Stops at once (the running inference is cancelled); finished() then
    // carries the front found so far with stop == Cancelled.
    void cancel();
    bool isRunning() const { return runner_.isBusy(); }

Q_SIGNALS:
    void frontChanged(std::shared_ptr<const axbnn::gui::SearchSnapshot> snapshot);
    void finished(std::shared_ptr<const axbnn::gui::SearchSnapshot> snapshot);
    void failed(const QString& message);
    void progress(int done, int total);
    void runningChanged(bool running);

private:
    std::shared_ptr<std::atomic<bool>> cancel_;
    ProgressRunner<SearchSnapshot> runner_;
};

// The snapshot of a search problem's archive (front cheapest first).
SearchSnapshot searchSnapshot(const SearchProblem& problem, const std::vector<const Evaluated*>& front);

} // namespace axbnn::gui
