// The training dialog's form: the recipe, the error source and levels, the
// model to fine-tune and the output file, with their browse buttons.
#include "train_dialog/train_dialog.h"

#include "circuit/design_limits.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace axbnn::gui {

namespace {

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
    auto* initRow = new QHBoxLayout;
    init_ = new QLineEdit;
    init_->setObjectName(QStringLiteral("initEdit"));
    init_->setPlaceholderText(tr("random weights; or a model file to fine-tune"));
    init_->setToolTip(tr("Fine-tune: start from this model's weights and batch-norm (its architecture replaces "
                         "the one above; the learning rate drops to %1 unless you changed it)")
                          .arg(static_cast<double>(train::kFineTuneLearningRate)));
    initBrowse_ = new QToolButton;
    initBrowse_->setText(tr("…"));
    initBrowse_->setToolTip(tr("Choose a model file to fine-tune"));
    initRow->addWidget(init_, 1);
    initRow->addWidget(initBrowse_);
    auto* initLabel = new QLabel(tr("Start &from"));
    initLabel->setBuddy(init_);
    form->addRow(initLabel, initRow);

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
    levels_ = new QLineEdit;
    levels_->setObjectName(QStringLiteral("levelsEdit"));
    levels_->setPlaceholderText(tr("the Controls panel's level only; or e.g. 0,1,2,3"));
    levels_->setToolTip(tr("Multi-level training: LSB columns to train at, mixed within every batch (0: exact), so "
                           "that one model holds at every level"));
    auto* levelsLabel = new QLabel(tr("LSB le&vels"));
    levelsLabel->setBuddy(levels_);
    form->addRow(levelsLabel, levels_);
    hardwareInTheLoop_ = new QCheckBox(tr("Count through the circuit (hardware in the &loop)"));
    hardwareInTheLoop_->setObjectName(QStringLiteral("hardwareInTheLoopCheck"));
    hardwareInTheLoop_->setToolTip(tr("Every forward pass counts each popcount through the bit-exact circuit, with "
                                      "straight-through gradients, instead of injecting errors drawn from its "
                                      "abstracted error model: the network learns the circuit's real errors "
                                      "(docs/training.md)"));
    form->addRow(QString(), hardwareInTheLoop_);
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
    connect(initBrowse_, &QToolButton::clicked, this, &TrainDialog::browseInit);
    connect(init_, &QLineEdit::textChanged, this, [this](const QString& text) {
        // The fine-tuning default learning rate while the user has not chosen one.
        const double scratch = train::TrainConfig{}.learningRate, fine = train::kFineTuneLearningRate;
        if (!text.trimmed().isEmpty() && std::fabs(lr_->value() - scratch) < 1e-9)
            lr_->setValue(fine);
        else if (text.trimmed().isEmpty() && std::fabs(lr_->value() - fine) < 1e-9)
            lr_->setValue(scratch);
        updateEnabled();
        suggestOutput();
    });
    connect(levels_, &QLineEdit::textChanged, this, &TrainDialog::suggestOutput);
    return widget;
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

void TrainDialog::browseInit()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Model to fine-tune"), init_->text(),
                                                      tr("BNN models (*.h5 *.hdf5);;All files (*)"));
    if (!path.isEmpty())
        init_->setText(path);
}

std::vector<int> TrainDialog::typedLevels(QString* error) const
{
    std::vector<int> levels;
    const QString text = levels_->text().trimmed();
    if (text.isEmpty())
        return levels;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const int v = part.trimmed().toInt(&ok);
        if (!ok || v < 0 || v > kMaxLsbColumns) {
            if (error)
                *error = tr("LSB levels: '%1' is not a number of LSB columns 0..%2 (write e.g. 0,1,2,3)")
                             .arg(part.trimmed())
                             .arg(kMaxLsbColumns);
            return {};
        }
        if (std::find(levels.begin(), levels.end(), v) != levels.end()) {
            if (error)
                *error = tr("LSB levels: %1 is listed twice").arg(v);
            return {};
        }
        levels.push_back(v);
    }
    return levels;
}

} // namespace axbnn::gui
