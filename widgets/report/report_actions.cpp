// The report runs as a QtConcurrent task with a QPromise (progress and
// cancel); figures and the file are made on the GUI thread afterwards
// (QCustomPlot is a widget), which takes a fraction of a second.
#include "report/report_actions.h"

#include "report/report_writer.h"
#include "state/background_pool.h"
#include "state/exploration_state.h"
#include "state/session.h"

#include <QAction>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace axbnn::gui {

namespace {
// The worker's result: the data, or the engine's message, or nothing (cancelled).
struct Outcome {
    ReportData data;
    QString error;
    bool cancelled = false;
};
} // namespace

ReportRequest reportRequestFromSession(const Session& s, const QString& sessionPath, int limit, int sweepImages)
{
    ReportRequest r;
    r.sessionPath = sessionPath.toStdString();
    r.spec.inputs = s.inputs;
    r.spec.topology = s.unit.topology;
    r.spec.approx = s.unit.approx;
    r.spec.p = s.p;
    r.mitigation = mitigationName(s.mitigation);
    r.modelPath = s.model;
    r.selectedLayer = s.selectedLayer;
    r.measuredP = s.pSource == PSource::Measured;
    r.limit = limit;
    r.sweepImages = sweepImages;
    return r;
}

ReportActions::ReportActions(ExplorationState* state, QWidget* window) : QObject(window), state_(state), window_(window)
{
    export_ = new QAction(tr("Export &report…"), this);
    export_->setObjectName(QStringLiteral("exportReportAction"));
    export_->setToolTip(tr("Write an HTML or PDF report of the session: model, configuration, circuit "
                           "metrics, errors, accuracy and plots, with the commands that reproduce them"));
    connect(export_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(window_, tr("Export report"), QStringLiteral("report.html"),
                                                          tr("HTML page (*.html);;PDF document (*.pdf)"));
        if (!path.isEmpty())
            exportTo(path);
    });
    connect(this, &ReportActions::failed, this, [this](const QString& message) {
        auto* box = new QMessageBox(QMessageBox::Critical, tr("Export report"), message, QMessageBox::Ok, window_);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
}

void ReportActions::exportTo(const QString& path, int limit)
{
    if (running_) {
        Q_EMIT failed(tr("A report is already being written"));
        return;
    }
    ReportRequest request = reportRequestFromSession(captureSession(*state_), QString(), limit);
    if (const auto search = state_->searchReport()) // the design on screen is a search result
        request.search = *search;
    running_ = true;
    export_->setEnabled(false);
    auto* progress = new QProgressDialog(tr("Computing the report…"), tr("Cancel"), 0, 100, window_);
    progress->setWindowModality(Qt::NonModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::progressRangeChanged, progress, &QProgressDialog::setRange);
    connect(watcher, &QFutureWatcher<Outcome>::progressValueChanged, progress, &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, watcher, &QFutureWatcher<Outcome>::cancel);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, progress, path] {
        running_ = false;
        export_->setEnabled(true);
        progress->close();
        watcher->deleteLater();
        if (watcher->future().resultCount() == 0)
            return; // cancelled before it started
        const Outcome outcome = watcher->result();
        if (outcome.cancelled)
            return;
        if (!outcome.error.isEmpty()) {
            Q_EMIT failed(outcome.error);
            return;
        }
        try {
            writeReport(outcome.data, path);
            Q_EMIT finished(path);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromUtf8(e.what()));
        }
    });
    watcher->setFuture(QtConcurrent::run(backgroundPool(), [request](QPromise<Outcome>& promise) {
        promise.setProgressRange(0, 1000);
        const WorkProgress report = [&promise](int done, int total) {
            if (total > 0)
                promise.setProgressValue(static_cast<int>(1000LL * done / total));
            return !promise.isCanceled();
        };
        Outcome outcome;
        try {
            outcome.data = computeReport(request, report);
        } catch (const std::exception& e) {
            // A cancel surfaces as the engine's InferenceCancelled.
            outcome.cancelled = promise.isCanceled();
            outcome.error = QString::fromUtf8(e.what());
        }
        promise.addResult(std::move(outcome));
    }));
}

} // namespace axbnn::gui
