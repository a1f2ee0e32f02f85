// The Sweep dialog: background run, results table, Pareto plot, save (the
// form is sweep_dialog_form.cpp).
#include "sweep_dialog/sweep_dialog.h"

#include "sweep_dialog/sweep_job.h"
#include "sweep_dialog/sweep_pareto_plot.h"
#include "sweep_dialog/sweep_table_model.h"

#include "sweep/sweep_runner.h"
#include "sweep/sweep_spec.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace axbnn::gui {

SweepDialog::SweepDialog(ExplorationState* state, QWidget* parent)
    : QDialog(parent), state_(state), job_(new SweepJob(this)), model_(new SweepTableModel(this)),
      plot_(new SweepParetoPlot), view_(new QTableView)
{
    setWindowTitle(tr("Design-space sweep"));
    setObjectName(QStringLiteral("sweepDialog"));

    view_->setObjectName(QStringLiteral("sweepTable"));
    view_->setModel(model_);
    view_->setSortingEnabled(false);
    view_->verticalHeader()->setVisible(false); // the "point" column numbers the rows
    view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* plotBox = new QWidget;
    auto* plotLayout = new QVBoxLayout(plotBox);
    auto* axes = new QHBoxLayout;
    cost_ = new QComboBox;
    cost_->addItems({"area_um2", "energy_fj", "delay_ps", "transistors", "cells"});
    quality_ = new QComboBox;
    quality_->addItems({"auto", "accuracy", "accuracy_loss", "error_rate", "mae", "mse", "wce"});
    axes->addWidget(new QLabel(tr("Cost:")));
    axes->addWidget(cost_);
    axes->addWidget(new QLabel(tr("Quality:")));
    axes->addWidget(quality_);
    axes->addStretch();
    plotLayout->addLayout(axes);
    plotLayout->addWidget(plot_);
    connect(cost_, &QComboBox::currentTextChanged, this, [this] { showTable(); });
    connect(quality_, &QComboBox::currentTextChanged, this, [this] { showTable(); });

    auto* results = new QTabWidget;
    results->addTab(view_, tr("Results"));
    results->addTab(plotBox, tr("Pareto front"));

    form_ = buildForm();
    auto* split = new QSplitter;
    split->addWidget(form_);
    split->addWidget(results);
    split->setStretchFactor(1, 1);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    status_ = new QLabel(tr("Choose the axes and press Run."));
    status_->setWordWrap(true);
    run_ = new QPushButton(tr("&Run"));
    cancel_ = new QPushButton(tr("&Cancel sweep"));
    cancel_->setEnabled(false);
    save_ = new QPushButton(tr("&Save results…"));
    save_->setEnabled(false);
    auto* close = new QPushButton(tr("Close"));
    connect(run_, &QPushButton::clicked, this, [this] { run(); });
    connect(cancel_, &QPushButton::clicked, this, &SweepDialog::cancel);
    connect(save_, &QPushButton::clicked, this, &SweepDialog::saveDialog);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(progress_, 1);
    buttons->addWidget(run_);
    buttons->addWidget(cancel_);
    buttons->addWidget(save_);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(status_);
    layout->addLayout(buttons);
    resize(1200, 700);

    connect(job_, &SweepJob::progress, this, [this](int done, int total) {
        progress_->setRange(0, std::max(total, 1));
        progress_->setValue(done);
        status_->setText(tr("%1 of %2 points").arg(done).arg(total));
        Q_EMIT progressed(done, total);
    });
    connect(job_, &SweepJob::finished, this, &SweepDialog::onFinished);
    connect(job_, &SweepJob::failed, this, [this](const QString& message) {
        setRunning(false);
        fail(message);
    });
}

SweepDialog::~SweepDialog() = default;

bool SweepDialog::loadSpecFile(const QString& path)
{
    try {
        (void)loadSweepSpec(path.toStdString()); // checked now, loaded again on run
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    specFile_ = path;
    specLabel_->setText(QFileInfo(path).fileName());
    specLabel_->setToolTip(path);
    useForm_->setEnabled(true);
    status_->setText(tr("Spec %1 loaded; the form is not used.").arg(path));
    return true;
}

void SweepDialog::clearSpecFile()
{
    specFile_.clear();
    specLabel_->setText(tr("the form below"));
    specLabel_->setToolTip({});
    useForm_->setEnabled(false);
}

void SweepDialog::setOutputPath(const QString& path)
{
    output_->setText(path);
}
QString SweepDialog::outputPath() const
{
    return output_->text().trimmed();
}

bool SweepDialog::run()
{
    if (job_->isRunning())
        return false;
    lastError_.clear();
    const QString out = outputPath();
    try {
        if (!out.isEmpty())
            (void)isJsonSweepFile(out.toStdString()); // throws on other extensions, before any work
        if (!specFile_.isEmpty()) {
            running_ = std::make_shared<const SweepSpec>(loadSweepSpec(specFile_.toStdString()));
        } else {
            const std::string text = sweepSpecJson(choices()).dump();
            running_ = std::make_shared<const SweepSpec>(
                parseSweepSpec(text, "sweep form", QDir::currentPath().toStdString()));
        }
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    setRunning(true);
    progress_->setRange(0, 0); // busy until the first point
    status_->setText(tr("Sweep running…"));
    job_->start(running_, out.isEmpty() ? QString() : out + QStringLiteral(".journal"), threads_);
    return true;
}

void SweepDialog::cancel()
{
    if (job_->isRunning()) {
        status_->setText(tr("Cancelling: the running points finish first…"));
        job_->cancel();
    }
}

bool SweepDialog::isRunning() const
{
    return job_->isRunning();
}

void SweepDialog::onFinished(std::shared_ptr<const SweepOutcome> outcome)
{
    setRunning(false);
    raw_ = outcome->table;
    if (raw_.specHash.empty() && running_) {
        raw_.specHash = running_->hash;
        raw_.points = static_cast<int>(enumerateSweep(*running_).size());
    }
    lastResumed_ = outcome->resumed;
    lastCancelled_ = outcome->cancelled;
    showTable();
    const QString out = outputPath();
    QString text;
    if (outcome->cancelled) {
        text = tr("Cancelled after %1 of %2 points.").arg(raw_.rows.size()).arg(outcome->total);
        if (!out.isEmpty())
            text += tr(" They are kept in %1.journal: Run again to resume.").arg(out);
    } else {
        text = tr("%1 points: %2 evaluated, %3 resumed.")
                   .arg(outcome->total)
                   .arg(outcome->evaluated)
                   .arg(outcome->resumed);
        if (!out.isEmpty()) {
            if (!saveResults(out))
                return;
            text += tr(" Wrote %1.").arg(out);
        }
    }
    status_->setText(text);
    progress_->setRange(0, std::max(outcome->total, 1));
    progress_->setValue(static_cast<int>(raw_.rows.size()));
    Q_EMIT sweepFinished();
}

ParetoChoice SweepDialog::paretoChoice() const
{
    return {cost_->currentText().toStdString(), quality_->currentText().toStdString()};
}

void SweepDialog::showTable()
{
    SweepTable table = raw_;
    const ParetoChoice choice = paretoChoice();
    markPareto(table, choice);
    plot_->setTable(table, choice);
    model_->setTable(std::move(table));
    save_->setEnabled(!model_->table().rows.empty());
}

const SweepTable& SweepDialog::table() const
{
    return model_->table();
}

bool SweepDialog::saveResults(const QString& path)
{
    try {
        writeSweepFile(path.toStdString(), table());
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    return true;
}

void SweepDialog::saveDialog()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save sweep results"), outputPath(), tr("CSV (*.csv);;JSON (*.json)"));
    if (!path.isEmpty() && saveResults(path))
        status_->setText(tr("Wrote %1.").arg(path));
}

void SweepDialog::setRunning(bool running)
{
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
    form_->setEnabled(!running);
}

void SweepDialog::fail(const QString& message)
{
    lastError_ = message;
    status_->setText(message);
    Q_EMIT sweepFailed(message);
    if (isVisible())
        QMessageBox::warning(this, tr("Sweep"), message);
}

QString SweepDialog::statusText() const
{
    return status_->text();
}

} // namespace axbnn::gui
