// Progress bars and cancel for the model's background computations.
#include "panels/accuracy_panel.h"

#include "state/exploration_state.h"

#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace axbnn::gui {

namespace {

QProgressBar* makeBar(const QString& name, const QString& tip)
{
    auto* bar = new QProgressBar;
    bar->setObjectName(name);
    bar->setRange(0, 100);
    bar->setValue(0);
    bar->setToolTip(tip);
    return bar;
}

void setProgress(QProgressBar* bar, int done, int total)
{
    bar->setValue(total > 0 ? static_cast<int>(100LL * done / total) : 0);
}

} // namespace

AccuracyPanel::AccuracyPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    status_ = new QLabel(tr("no model loaded"));
    status_->setObjectName(QStringLiteral("accuracyStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    accuracyProgress_ = makeBar(QStringLiteral("accuracyProgress"),
                                tr("Test images evaluated for the current configuration: a quick "
                                   "subset first, then all of them"));
    layout->addWidget(accuracyProgress_);
    sweepStatus_ = new QLabel;
    sweepStatus_->setObjectName(QStringLiteral("sweepStatus"));
    sweepStatus_->setWordWrap(true);
    layout->addWidget(sweepStatus_);
    sweepProgress_ =
        makeBar(QStringLiteral("sweepProgress"), tr("Configurations of the accuracy-against-level sweep evaluated"));
    layout->addWidget(sweepProgress_);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setObjectName(QStringLiteral("cancelAccuracyButton"));
    cancel_->setToolTip(tr("Stop the accuracy computations (Esc); any change restarts them"));
    cancel_->setShortcut(QKeySequence(Qt::Key_Escape));
    layout->addWidget(cancel_);
    layout->addStretch(1);
    connect(cancel_, &QPushButton::clicked, state_, &ExplorationState::cancelAccuracy);

    ModelEvaluator* models = state_->models();
    connect(models, &ModelEvaluator::accuracyProgress, this,
            [this](int done, int total) { setProgress(accuracyProgress_, done, total); });
    connect(models, &ModelEvaluator::sweepProgress, this,
            [this](int done, int total) { setProgress(sweepProgress_, done, total); });
    connect(models, &ModelEvaluator::accuracyBusyChanged, this, &AccuracyPanel::updateCancel);
    connect(models, &ModelEvaluator::sweepBusyChanged, this, &AccuracyPanel::updateCancel);
    connect(models, &ModelEvaluator::accuracyFailed, this,
            [this](const QString& message) { status_->setText(tr("accuracy failed: %1").arg(message)); });
    connect(models, &ModelEvaluator::accuracyCancelled, this, [this] { status_->setText(tr("accuracy cancelled")); });
    connect(models, &ModelEvaluator::sweepFailed, this,
            [this](const QString& message) { sweepStatus_->setText(tr("level sweep failed: %1").arg(message)); });
    connect(models, &ModelEvaluator::sweepCancelled, this,
            [this] { sweepStatus_->setText(tr("level sweep cancelled")); });
    connect(models, &ModelEvaluator::sweepBusyChanged, this, [this](bool busy) {
        if (busy) {
            sweepProgress_->setValue(0);
            sweepStatus_->setText(tr("level sweep: computing…"));
        } else if (state_->accuracySweep()) {
            sweepStatus_->setText(tr("level sweep: %1 configurations on %2 images")
                                      .arg(state_->accuracySweep()->points.size())
                                      .arg(state_->accuracySweep()->images));
        }
    });
    connect(state_, &ExplorationState::accuracyChanged, this, &AccuracyPanel::showAccuracy);
    updateCancel();
}

void AccuracyPanel::showAccuracy()
{
    const auto result = state_->accuracy();
    if (!result || !state_->isCurrent(*result)) { // never another design's number
        accuracyProgress_->setValue(0);
        status_->setText(state_->model() ? tr("accuracy: computing…") : tr("no model loaded"));
        return;
    }
    status_->setProperty("designHash", QString::fromStdString(result->hash));
    status_->setText(tr("accuracy %1 % on %2 images%3 (exact %4 %)")
                         .arg(100.0 * result->accuracy(), 0, 'f', 2)
                         .arg(result->images)
                         .arg(result->complete ? QString() : tr(", full set next"))
                         .arg(100.0 * result->exactAccuracy(), 0, 'f', 2));
    if (result->complete)
        accuracyProgress_->setValue(100);
}

void AccuracyPanel::updateCancel()
{
    cancel_->setEnabled(state_->models()->isAccuracyBusy() || state_->models()->isSweepBusy());
}

} // namespace axbnn::gui
