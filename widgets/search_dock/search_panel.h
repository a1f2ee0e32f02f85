// The "Search" dock (issue 18, docs/search.md "In the workbench"): the
// options of `axbnn search` for the loaded model (budget, objective,
// strategy, mitigation, calibration and proxy images, evaluations, time
// limit), start and cancel, the front growing live (plot and table), a click
// on a front point loads its per-layer design into the workbench (every
// plot then shows it), and exports of the design (layer config, the writer
// `axbnn search` uses) and of the front (CSV).
#pragma once

#include "search_dock/search_job.h"

#include "explore/report_data.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace axbnn::gui {

class ExplorationState;
class SearchFrontPlot;

class SearchPanel : public QWidget {
    Q_OBJECT

public:
    explicit SearchPanel(ExplorationState* state, QWidget* parent = nullptr);
    ~SearchPanel() override;

    // The form as the command's options (model: the state's main model).
    SearchCommand command() const;
    // Fills the form and the thread count (the model and data specs are the workbench's).
    void setCommand(const SearchCommand& command);
    void setThreads(int threads) { threads_ = threads; }

    // Starts a search on the state's main model; false (message in
    // lastError()) without a model.
    bool start();
    void cancel();
    bool isRunning() const;
    // The latest front (null before the first evaluation).
    std::shared_ptr<const SearchSnapshot> snapshot() const { return snapshot_; }
    // Loads front point `index` into the workbench: its units on the
    // searched layers, the other Conv and Dense layers exact, its
    // mitigation; false if the state's model is not the searched one.
    bool loadPoint(int index);
    int loadedPoint() const { return loaded_; }
    // Writes the layer config of front point `index` (-1: the loaded one,
    // else the chosen one) / the front CSV, atomically. False with
    // lastError() set when there is nothing to write or it cannot be written.
    bool exportDesign(const QString& path, int index = -1);
    bool exportFront(const QString& path);

    SearchFrontPlot* frontPlot() const { return plot_; }
    QTableWidget* table() const { return table_; }
    QString lastError() const { return lastError_; }
    QString statusText() const;

Q_SIGNALS:
    void frontChanged();
    void searchFinished(); // snapshot() is final (cancelled or verified)
    void searchFailed(const QString& message);
    void designLoaded(int index);

private:
    QWidget* buildForm();
    void showSnapshot(std::shared_ptr<const SearchSnapshot> snapshot);
    void setRunning(bool running);
    void fail(const QString& message);
    ReportSearch reportSection(const SearchFrontPoint& point) const;

    ExplorationState* state_;
    SearchJob* job_;
    SearchFrontPlot* plot_;
    QTableWidget* table_;
    std::shared_ptr<const SearchSnapshot> snapshot_;
    std::shared_ptr<EvaluationCache> cache_;
    std::vector<const void*> cacheFor_; // the model and images the cache's counts are of
    SearchCommand running_; // options of the search shown
    std::shared_ptr<const LoadedModel> searched_; // its model
    QString designPath_; // last exported design (the report's eval command)
    QString lastError_;
    int loaded_ = -1;
    int threads_ = 0;

    QDoubleSpinBox* budget_;
    QComboBox* objective_;
    QComboBox* strategy_;
    QComboBox* mitigation_;
    QSpinBox* calibration_;
    QSpinBox* proxy_;
    QSpinBox* evaluations_;
    QDoubleSpinBox* timeLimit_;
    QSpinBox* limit_;
    QPushButton* start_;
    QPushButton* cancel_;
    QPushButton* exportDesign_;
    QPushButton* exportFront_;
    QPushButton* knobs_;
    QProgressBar* progress_;
    QLabel* status_;
};

} // namespace axbnn::gui
