// The training dialog: the form, the background run and its live display.
#include "train_dialog/train_dialog.h"

#include "state/exploration_state.h"
#include "train_dialog/train_curve_plot.h"

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

QSpinBox* spin(const char* name, int min, int max, int value, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(min, max);
    box->setValue(value);
    box->setToolTip(tip);
    return box;
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

QWidget* TrainDialog::buildForm()
{
    auto* widget = new QWidget;
    auto* form = new QFormLayout(widget);
    form->setContentsMargins(0, 0, 0, 0);

    arch_ = new QComboBox;
    arch_->setObjectName(QStringLiteral("archCombo"));
    arch_->addItem(tr("VGG3 (conv, pool, conv, pool, dense, dense)"), QStringLiteral("vgg3"));
    arch_->addItem(tr("fc: MLP (dense, dense, dense)"), QStringLiteral("fc"));
    arch_->setToolTip(tr("Network architecture (docs/training.md)"));
    form->addRow(tr("&Architecture"), arch_);
    kernel_ = new QComboBox;
    kernel_->setObjectName(QStringLiteral("kernelCombo"));
    for (int k : {3, 5, 7})
        kernel_->addItem(QStringLiteral("%1 x %1").arg(k), k);
    kernel_->setToolTip(tr("VGG3 convolution kernel size: the second convolution's popcount has "
                           "k x k x channels inputs (576, 1600, 3136 with 64 channels)"));
    form->addRow(tr("&Kernel"), kernel_);
    channels_ = spin("channelsSpin", 1, 4096, 64, tr("VGG3 convolution channels"));
    form->addRow(tr("C&hannels"), channels_);
    hidden_ = spin("hiddenSpin", 1, 65536, 2048, tr("Hidden dense width (both MLP layers, VGG3's first dense layer)"));
    form->addRow(tr("&Hidden width"), hidden_);
    epochs_ = spin("epochsSpin", 1, 1000, 10, tr("Passes over the training images"));
    form->addRow(tr("&Epochs"), epochs_);
    batch_ = spin("batchSpin", 2, 4096, 64, tr("Images per batch (batch-norm needs at least 2)"));
    form->addRow(tr("&Batch size"), batch_);
    lr_ = new QDoubleSpinBox;
    lr_->setObjectName(QStringLiteral("lrSpin"));
    lr_->setDecimals(5);
    lr_->setRange(0.00001, 1.0);
    lr_->setSingleStep(0.0001);
    lr_->setValue(0.001);
    lr_->setToolTip(tr("Adam learning rate, cosine-decayed to 1% of it over the run"));
    form->addRow(tr("&Learning rate"), lr_);
    seed_ = spin("seedSpin", 0, 1'000'000'000, 1, tr("Random seed: the same seed and settings give the same model"));
    form->addRow(tr("&Seed"), seed_);
    limit_ = spin("limitSpin", 0, 100'000'000, 0,
                  tr("Train on the first N training images only, for quick runs (0: all 60,000)"));
    limit_->setSpecialValueText(tr("all"));
    form->addRow(tr("Training &images"), limit_);
    testLimit_ = spin("testLimitSpin", 0, 100'000'000, 0,
                      tr("Test accuracy after each epoch on the first N test images (0: all 10,000)"));
    testLimit_->setSpecialValueText(tr("all"));
    form->addRow(tr("Tes&t images"), testLimit_);

    errors_ = new QComboBox;
    errors_->setObjectName(QStringLiteral("errorSourceCombo"));
    errors_->addItem(tr("None (exact training)"), static_cast<int>(ErrorSource::None));
    errors_->addItem(tr("The workbench's current circuit"), static_cast<int>(ErrorSource::Circuit));
    errors_->addItem(tr("Error-model file"), static_cast<int>(ErrorSource::File));
    errors_->setToolTip(tr("Approximation-aware training: every popcount gets an error drawn from "
                           "the abstracted error model P(e | s) of this circuit"));
    form->addRow(tr("E&rror injection"), errors_);
    circuit_ = new QLabel;
    circuit_->setObjectName(QStringLiteral("trainCircuitLabel"));
    circuit_->setWordWrap(true);
    circuit_->setToolTip(tr("The circuit of the Controls panel, applied to every conv and dense layer's "
                            "fan-in (hand-toggled cells are not carried over)"));
    form->addRow(QString(), circuit_);
    auto* fileRow = new QHBoxLayout;
    errorFile_ = new QLineEdit;
    errorFile_->setObjectName(QStringLiteral("errorModelEdit"));
    errorFile_->setPlaceholderText(tr("error model JSON (axbnn error-model)"));
    errorFile_->setToolTip(tr("An error-model file made for this architecture (docs/error-model.md)"));
    errorBrowse_ = new QToolButton;
    errorBrowse_->setText(tr("…"));
    errorBrowse_->setToolTip(tr("Choose an error-model file"));
    fileRow->addWidget(errorFile_, 1);
    fileRow->addWidget(errorBrowse_);
    auto* fileLabel = new QLabel(tr("Error &model"));
    fileLabel->setBuddy(errorFile_);
    form->addRow(fileLabel, fileRow);

    auto* outRow = new QHBoxLayout;
    output_ = new QLineEdit;
    output_->setObjectName(QStringLiteral("outputEdit"));
    output_->setToolTip(tr("Model file to write (HDF5); written only when training completes"));
    auto* outBrowse = new QToolButton;
    outBrowse->setText(tr("…"));
    outBrowse->setToolTip(tr("Choose where to save the trained model"));
    outRow->addWidget(output_, 1);
    outRow->addWidget(outBrowse);
    auto* outLabel = new QLabel(tr("&Output file"));
    outLabel->setBuddy(output_);
    form->addRow(outLabel, outRow);

    connect(arch_, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        suggestOutput();
    });
    connect(kernel_, &QComboBox::currentIndexChanged, this, &TrainDialog::suggestOutput);
    connect(errors_, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        suggestOutput();
    });
    connect(output_, &QLineEdit::textEdited, this, [this] { outputEdited_ = true; });
    connect(outBrowse, &QToolButton::clicked, this, &TrainDialog::browseOutput);
    connect(errorBrowse_, &QToolButton::clicked, this, &TrainDialog::browseErrorModel);
    return widget;
}

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
    r.outPath = output_->text().trimmed().toStdString();
    r.train = trainData_;
    r.test = testData_;
    return r;
}

void TrainDialog::start()
{
    if (runner_.isBusy())
        return;
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
    text += tr(").");
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
    kernel_->setEnabled(vgg);
    channels_->setEnabled(vgg);
    const auto source = static_cast<ErrorSource>(errors_->currentData().toInt());
    circuit_->setVisible(source == ErrorSource::Circuit);
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
    if (static_cast<ErrorSource>(errors_->currentData().toInt()) != ErrorSource::None)
        name += QStringLiteral("_approx");
    // The folder the workbench was started in, unless it cannot be written
    // (e.g. started from a desktop launcher in /).
    const QDir folder = QFileInfo(QDir::currentPath()).isWritable() ? QDir::current() : QDir::home();
    output_->setText(folder.absoluteFilePath(name + QStringLiteral(".h5")));
}

void TrainDialog::browseOutput()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save trained model"), output_->text(), tr("BNN models (*.h5 *.hdf5)"));
    if (path.isEmpty())
        return;
    output_->setText(path);
    outputEdited_ = true;
}

void TrainDialog::browseErrorModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open error model"), errorFile_->text(),
                                                      tr("Error models (*.json);;All files (*)"));
    if (!path.isEmpty())
        errorFile_->setText(path);
}

void TrainDialog::closeEvent(QCloseEvent* event)
{
    hide(); // training goes on in the background
    event->ignore();
}

} // namespace axbnn::gui
