// Runs one design-space sweep (engine runSweep) off the GUI thread with
// progress, cancellation and an optional journal, so that a cancelled or
// interrupted sweep resumes where it stopped.
#pragma once

#include "state/progress_runner.h"

#include "sweep/sweep_runner.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace axbnn::gui {

class SweepJob : public QObject {
    Q_OBJECT

public:
    explicit SweepJob(QObject* parent = nullptr);
    ~SweepJob() override;

    // Starts the sweep; `journal` "" runs without one. threads 0: all cores.
    // A running sweep is cancelled first.
    void start(std::shared_ptr<const SweepSpec> spec, const QString& journal, int threads = 0);
    // Running points finish (and are journaled); finished() then carries
    // the rows done so far with outcome.cancelled set.
    void cancel();
    bool isRunning() const { return runner_.isBusy(); }

Q_SIGNALS:
    void progress(int done, int total);
    // Rows in point order; the pareto column is not set yet.
    void finished(std::shared_ptr<const axbnn::SweepOutcome> outcome);
    void failed(const QString& message);
    void runningChanged(bool running);

private:
    std::shared_ptr<std::atomic<bool>> cancel_;
    ProgressRunner<SweepOutcome> runner_;
};

} // namespace axbnn::gui
