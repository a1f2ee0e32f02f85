// Background sweep runs.
#include "sweep_dialog/sweep_job.h"

namespace axbnn::gui {

SweepJob::SweepJob(QObject* parent)
    : QObject(parent), runner_(this,
                               {[this](std::shared_ptr<const SweepOutcome> outcome, bool final) {
                                    if (final)
                                        Q_EMIT finished(std::move(outcome));
                                },
                                [this](const QString& message) { Q_EMIT failed(message); },
                                [this](int done, int total) { Q_EMIT progress(done, total); },
                                [this](bool busy) { Q_EMIT runningChanged(busy); },
                                {}})
{}

SweepJob::~SweepJob()
{
    if (cancel_)
        cancel_->store(true);
}

void SweepJob::start(std::shared_ptr<const SweepSpec> spec, const QString& journal, int threads)
{
    if (cancel_)
        cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    runner_.submit([spec = std::move(spec), journal = journal.toStdString(), threads,
                    cancel = cancel_](JobControl<SweepOutcome>& control) {
        SweepRunOptions options;
        options.threads = threads;
        options.journal = journal;
        options.cancel = cancel.get();
        options.progress = [&control, cancel](const SweepProgress& p) {
            // The runner's own cancel (a newer start) and ours both stop it.
            return control.progress(p.done, p.total) && !cancel->load();
        };
        return runSweep(*spec, options);
    });
}

void SweepJob::cancel()
{
    // Only our flag: the runner then still delivers the partial outcome.
    if (cancel_)
        cancel_->store(true);
}

} // namespace axbnn::gui
