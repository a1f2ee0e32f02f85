// The training dialog: the background run and its live display (the form: train_dialog_form.cpp).
#include "train_dialog/train_dialog.h"

#include "state/exploration_state.h"
#include "train_dialog/train_curve_plot.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace axbnn::gui {

namespace {

QString clockText(double seconds)
{
    const long s = std::lround(std::max(0.0, seconds));
    const auto twoDigits = [](long v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(twoDigits(s / 60 % 60), twoDigits(s % 60));
    return QStringLiteral("%1:%2").arg(s / 60).arg(twoDigits(s % 60));
}

} // namespace

TrainDialog::TrainDialog(ExplorationState* state, QWidget* parent)
    : QDialog(parent), state_(state),
      runner_(this,
              {.ready =
                   [this](std::shared_ptr<const TrainUpdate> u, bool final) {
                       if (final && u->outcome)
                           finish(*u->outcome);
                       else if (u->progress)
                           showProgress(*u->progress);
                       else if (!u->stage.empty())
                           status_->setText(QString::fromStdString(u->stage));
                   },
               .failed = [this](const QString& message) { fail(message); },
               .progress = {},
               .busyChanged = [this](bool) { updateEnabled(); },
               .cancelled =
                   [this] {
                       status_->setText(tr("Training cancelled; no model file was written."));
                       progress_->setValue(0);
                       Q_EMIT trainingCancelled();
                   }})
{
    setObjectName(QStringLiteral("trainDialog"));
    setWindowTitle(tr("Train model"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);
    form_ = buildForm();
    layout->addWidget(form_);

    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("trainProgress"));
    progress_->setToolTip(tr("Batches done over all epochs"));
    progress_->setValue(0);
    layout->addWidget(progress_);
    status_ = new QLabel(tr("Ready."));
    status_->setObjectName(QStringLiteral("trainStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);
    error_ = new QLabel;
    error_->setObjectName(QStringLiteral("trainError"));
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #b00020"));
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setVisible(false);
    layout->addWidget(error_);
    curves_ = new TrainCurvePlot;
    curves_->setToolTip(tr("Training loss and accuracy, each the running mean over the current epoch's "
                           "batches so far, and the test accuracy of the folded model at each epoch's end"));
    layout->addWidget(curves_, 1);

    auto* buttons = new QDialogButtonBox;
    train_ = buttons->addButton(tr("&Train"), QDialogButtonBox::ActionRole);
    train_->setObjectName(QStringLiteral("trainButton"));
    train_->setToolTip(tr("Start training in the background"));
    train_->setDefault(true);
    cancel_ = buttons->addButton(tr("&Cancel training"), QDialogButtonBox::ActionRole);
    cancel_->setObjectName(QStringLiteral("cancelTrainingButton"));
    cancel_->setToolTip(tr("Stop after the current batch; no model file is written"));
    load_ = buttons->addButton(tr("&Load"), QDialogButtonBox::ActionRole);
    load_->setObjectName(QStringLiteral("loadTrainedButton"));
    QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
    close->setToolTip(tr("Hide the dialog; a running training goes on (reopen with Train model…)"));
    connect(train_, &QPushButton::clicked, this, &TrainDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &TrainDialog::cancel);
    connect(load_, &QPushButton::clicked, this, &TrainDialog::loadResult);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    layout->addWidget(buttons);

    connect(state_, &ExplorationState::changed, this, &TrainDialog::updateCircuitText);
    connect(state_, &ExplorationState::modelChanged, this, &TrainDialog::updateEnabled);
    updateCircuitText();
    suggestOutput();
    updateEnabled();
    resize(640, 760);
}

TrainDialog::~TrainDialog() = default;

void TrainDialog::setDatasets(std::shared_ptr<const Dataset> train, std::shared_ptr<const Dataset> test)
{
    trainData_ = std::move(train);
    testData_ = std::move(test);
}

TrainRequest TrainDialog::request() const
{
    TrainRequest r;
    TrainSettings& c = r.settings;
    c.mlp = arch_->currentData().toString() == QLatin1String("fc");
    c.kernel = kernel_->currentData().toInt();
    c.channels = channels_->value();
    c.hidden = hidden_->value();
    c.epochs = epochs_->value();
    c.batch = batch_->value();
    c.learningRate = lr_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    r.limit = limit_->value();
    r.testLimit = testLimit_->value();
    r.errors = static_cast<ErrorSource>(errors_->currentData().toInt());
    r.topology = state_->spec().topology;
    r.approx = state_->spec().approx;
    r.library = state_->sharedLibrary();
    r.p = state_->spec().p;
    r.errorModelPath = errorFile_->text().trimmed().toStdString();
    if (r.errors == ErrorSource::Circuit) {
        r.lsbLevels = typedLevels();
        r.hardwareInTheLoop = hardwareInTheLoop_->isChecked();
    }
    r.initPath = init_->text().trimmed().toStdString();
    r.outPath = output_->text().trimmed().toStdString();
    r.train = trainData_;
    r.test = testData_;
    return r;
}

void TrainDialog::start()
{
    if (runner_.isBusy())
        return;
    QString levelsError;
    typedLevels(&levelsError);
    if (!levelsError.isEmpty() && static_cast<ErrorSource>(errors_->currentData().toInt()) == ErrorSource::Circuit) {
        fail(levelsError);
        return;
    }
    const TrainRequest request = this->request();
    outcome_.reset();
    curves_->clear();
    progress_->setRange(0, 1);
    progress_->setValue(0);
    error_->setVisible(false);
    status_->setText(tr("Starting…"));
    runner_.submit([request](JobControl<TrainUpdate>& control) {
        auto progress = [&control](const train::TrainProgress& p) {
            if (control.cancelled())
                return false;
            TrainUpdate update;
            update.progress = p;
            control.publish(std::move(update));
            return true;
        };
        auto stage = [&control](const std::string& text) {
            TrainUpdate update;
            update.stage = text;
            control.publish(std::move(update));
        };
        TrainUpdate done;
        done.outcome = runTraining(request, progress, stage);
        return done;
    });
}

void TrainDialog::cancel()
{
    if (!runner_.isBusy())
        return;
    runner_.cancel();
    status_->setText(tr("Cancelling after the current batch…"));
}

void TrainDialog::loadResult()
{
    if (!outcome_)
        return;
    const QString path = QString::fromStdString(outcome_->path);
    state_->openModel(path, state_->model() ? ModelSlot::Comparison : ModelSlot::Main);
    status_->setText(state_->model() ? tr("Loading %1 as the comparison model…").arg(QFileInfo(path).fileName())
                                     : tr("Loading %1…").arg(QFileInfo(path).fileName()));
}

void TrainDialog::showProgress(const train::TrainProgress& p)
{
    const double position = (p.epoch - 1) + static_cast<double>(p.batch) / std::max(1, p.batchesPerEpoch);
    if (p.epochEnd) {
        if (p.testAccuracy >= 0)
            curves_->addEpochEnd(p.epoch, p.testAccuracy);
        return;
    }
    progress_->setRange(0, p.epochs * p.batchesPerEpoch);
    progress_->setValue((p.epoch - 1) * p.batchesPerEpoch + p.batch);
    curves_->addBatch(position, p.loss, p.accuracy);
    status_->setText(tr("Epoch %1/%2, batch %3/%4: loss %5, training accuracy %6%; %7 elapsed, %8 left")
                         .arg(p.epoch)
                         .arg(p.epochs)
                         .arg(p.batch)
                         .arg(p.batchesPerEpoch)
                         .arg(p.loss, 0, 'f', 4)
                         .arg(100.0 * p.accuracy, 0, 'f', 2)
                         .arg(clockText(p.elapsedSeconds), clockText(p.remainingSeconds)));
    Q_EMIT progressReported(p.epoch, p.batch);
}

void TrainDialog::finish(const TrainOutcome& outcome)
{
    outcome_ = outcome;
    curves_->replotNow();
    progress_->setValue(progress_->maximum());
    QString text = tr("Done: wrote %1 (%2 layers").arg(QString::fromStdString(outcome.path)).arg(outcome.layers);
    if (outcome.testAccuracy >= 0)
        text += tr(", test accuracy %1% on %2 images, exact popcount")
                    .arg(100.0 * outcome.testAccuracy, 0, 'f', 2)
                    .arg(outcome.testImages);
    if (outcome.circuitTestAccuracy >= 0)
        text += tr("; %1% through the circuit").arg(100.0 * outcome.circuitTestAccuracy, 0, 'f', 2);
    text += tr(").");
    for (size_t i = 0; i < outcome.levels.size(); ++i)
        text += (i ? QStringLiteral(", ") : tr(" Images per level: "))
            + QStringLiteral("%1 %2").arg(QString::fromStdString(outcome.levels[i])).arg(outcome.levelImages[i]);
    status_->setText(text);
    updateEnabled();
    Q_EMIT trainingFinished(QString::fromStdString(outcome.path));
}

void TrainDialog::fail(const QString& message)
{
    status_->setText(tr("Training failed; no model file was written."));
    error_->setText(message);
    error_->setVisible(true);
    Q_EMIT trainingFailed(message);
}

void TrainDialog::updateEnabled()
{
    const bool running = runner_.isBusy();
    form_->setEnabled(!running);
    const bool vgg = arch_->currentData().toString() == QLatin1String("vgg3");
    const bool scratch = init_->text().trimmed().isEmpty(); // else the architecture comes from the init model
    arch_->setEnabled(scratch);
    kernel_->setEnabled(vgg && scratch);
    channels_->setEnabled(vgg && scratch);
    hidden_->setEnabled(scratch);
    const auto source = static_cast<ErrorSource>(errors_->currentData().toInt());
    circuit_->setVisible(source == ErrorSource::Circuit);
    levels_->setEnabled(source == ErrorSource::Circuit);
    hardwareInTheLoop_->setEnabled(source == ErrorSource::Circuit);
    errorFile_->setEnabled(source == ErrorSource::File);
    errorBrowse_->setEnabled(source == ErrorSource::File);
    train_->setEnabled(!running);
    cancel_->setEnabled(running);
    load_->setEnabled(!running && outcome_.has_value());
    load_->setText(state_->model() ? tr("&Load as comparison") : tr("&Load"));
    load_->setToolTip(state_->model() ? tr("Open the trained model as the comparison model beside the loaded one")
                                      : tr("Open the trained model in the workbench"));
}

void TrainDialog::updateCircuitText()
{
    const CircuitSpec& spec = state_->spec();
    const ApproxConfig& a = spec.approx;
    QString text;
    if (spec.topology == Topology::Imported)
        text = tr("An imported netlist: not usable for training (it has one fan-in).");
    else if (a.lsbColumns == 0 && a.levels == 0)
        text = tr("%1, exact: raise the approximation level in Controls to inject errors.")
                   .arg(QString::fromStdString(topologyName(spec.topology)));
    else
        text = tr("%1 with %2 in LSB columns < %3 and tree levels < %4, on every conv and dense layer")
                   .arg(QString::fromStdString(topologyName(spec.topology)))
                   .arg(QString::fromStdString(a.faCell))
                   .arg(a.lsbColumns)
                   .arg(a.levels);
    circuit_->setText(text);
}

// A default file name from the architecture until the user picks one.
void TrainDialog::suggestOutput()
{
    if (outputEdited_)
        return;
    const bool vgg = arch_->currentData().toString() == QLatin1String("vgg3");
    QString name =
        vgg ? QStringLiteral("trained_vgg3_k%1").arg(kernel_->currentData().toInt()) : QStringLiteral("trained_fc");
    if (!init_->text().trimmed().isEmpty())
        name = QFileInfo(init_->text().trimmed()).completeBaseName() + QStringLiteral("_ft");
    const auto source = static_cast<ErrorSource>(errors_->currentData().toInt());
    if (source == ErrorSource::Circuit && typedLevels().size() > 1)
        name += QStringLiteral("_multi");
    else if (source != ErrorSource::None)
        name += QStringLiteral("_approx");
    // The folder the workbench was started in, unless it cannot be written
    // (e.g. started from a desktop launcher in /).
    const QDir folder = QFileInfo(QDir::currentPath()).isWritable() ? QDir::current() : QDir::home();
    output_->setText(folder.absoluteFilePath(name + QStringLiteral(".h5")));
}

void TrainDialog::closeEvent(QCloseEvent* event)
{
    hide(); // training goes on in the background
    event->ignore();
}

} // namespace axbnn::gui
