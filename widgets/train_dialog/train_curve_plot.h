// The training dialog's live curves: running training loss and accuracy per
// progress report, and the test accuracy at each epoch's end, against epochs.
#pragma once

#include <QWidget>

class QCPGraph;
class QCustomPlot;

namespace axbnn::gui {

class TrainCurvePlot : public QWidget {
    Q_OBJECT

public:
    explicit TrainCurvePlot(QWidget* parent = nullptr);

    void clear();
    // One progress report: `epochs` is the position in epochs (e.g. 1.5 =
    // half-way through the second epoch); accuracies are 0..1.
    void addBatch(double epochs, double loss, double trainAccuracy);
    void addEpochEnd(double epochs, double testAccuracy);
    // Redraws now (otherwise at most every 100 ms while points arrive).
    void replotNow();

    QCustomPlot* plot() const { return plot_; }
    QCPGraph* lossGraph() const { return loss_; }
    QCPGraph* trainAccuracyGraph() const { return trainAccuracy_; }
    QCPGraph* testAccuracyGraph() const { return testAccuracy_; }

private:
    void scheduleReplot();

    QCustomPlot* plot_;
    QCPGraph* loss_;
    QCPGraph* trainAccuracy_;
    QCPGraph* testAccuracy_;
    bool replotPending_ = false;
};

} // namespace axbnn::gui
