// Builds the control widgets and forwards every edit to the exploration state.
#include "panels/controls_panel.h"

#include "circuit/compressors.h"

#include "state/exploration_state.h"

#include "bnn/mitigation.h"
#include "circuit/knobs.h"

#include <QComboBox>

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

namespace axbnn::gui {

namespace {

constexpr int kMaxInputs = 16384;
constexpr int kMaxLsbColumns = 6;
constexpr int kMaxLevels = 8;

// A slider with a label showing its value, in one row.
QWidget* sliderRow(QSlider* slider, QLabel* value)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider, 1);
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("00")));
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(value);
    return row;
}

QSlider* makeSlider(int maximum, const QString& objectName, const QString& tip)
{
    auto* slider = new QSlider(Qt::Horizontal);
    slider->setRange(0, maximum);
    slider->setPageStep(1);
    slider->setTickPosition(QSlider::TicksBelow);
    slider->setTickInterval(1);
    slider->setObjectName(objectName);
    slider->setToolTip(tip);
    return slider;
}

} // namespace

ControlsPanel::ControlsPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    importNote_ = new QLabel;
    importNote_->setObjectName(QStringLiteral("importNote"));
    importNote_->setWordWrap(true);
    importNote_->setFrameShape(QFrame::StyledPanel);
    importNote_->setMargin(4);
    importNote_->hide();
    layout->addWidget(importNote_);
    stateNote_ = new QLabel;
    stateNote_->setObjectName(QStringLiteral("stateNote"));
    stateNote_->setWordWrap(true);
    stateNote_->setFrameShape(QFrame::StyledPanel);
    stateNote_->setMargin(4);
    stateNote_->hide();
    layout->addWidget(stateNote_);
    connect(state_, &ExplorationState::note, this, [this](const QString& text) {
        stateNote_->setText(text);
        stateNote_->show();
    });
    layout->addWidget(buildInputsGroup());
    layout->addWidget(buildCircuitGroup());
    layout->addWidget(buildApproximationGroup());
    layout->addWidget(buildStatisticsGroup());
    layout->addWidget(buildMitigationGroup());
    layout->addStretch(1);

    syncFromState();
    connect(state_, &ExplorationState::changed, this, &ControlsPanel::syncFromState);
    connect(state_, &ExplorationState::netlistChanged, this, &ControlsPanel::syncFromState);
}

QWidget* ControlsPanel::buildInputsGroup()
{
    auto* group = new QGroupBox(tr("Inputs"));
    auto* form = new QFormLayout(group);

    inputs_ = new QSpinBox;
    inputs_->setObjectName(QStringLiteral("inputsSpin"));
    inputs_->setRange(1, kMaxInputs);
    inputs_->setToolTip(tr("N: number of bits the popcount adds (XNOR outputs of one neuron, "
                           "k x k x C for a convolution)"));
    form->addRow(tr("N"), inputs_);
    connect(inputs_, &QSpinBox::valueChanged, state_, &ExplorationState::setInputs);

    kernelSize_ = new QSpinBox;
    kernelSize_->setObjectName(QStringLiteral("kernelSizeSpin"));
    kernelSize_->setRange(1, 15);
    kernelSize_->setValue(3);
    kernelSize_->setToolTip(tr("Kernel size k of a k x k convolution; sets N = k x k x C"));
    channels_ = new QSpinBox;
    channels_->setObjectName(QStringLiteral("channelsSpin"));
    channels_->setRange(1, kMaxInputs / 9);
    channels_->setValue(64);
    channels_->setToolTip(tr("Input channels C of the convolution; sets N = k x k x C"));

    auto* kernel = new QWidget;
    auto* row = new QHBoxLayout(kernel);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("k")));
    row->addWidget(kernelSize_, 1);
    row->addWidget(new QLabel(tr("C")));
    row->addWidget(channels_, 1);
    auto* kernelLabel = new QLabel(tr("Kernel k·k·C"));
    kernelLabel->setToolTip(tr("Sets N from a k x k convolution over C input channels"));
    form->addRow(kernelLabel, kernel);
    kernelNote_ = new QLabel;
    kernelNote_->setObjectName(QStringLiteral("kernelNote"));
    kernelNote_->setWordWrap(true);
    form->addRow(QString(), kernelNote_);
    connect(kernelSize_, &QSpinBox::valueChanged, this, &ControlsPanel::applyKernel);
    connect(channels_, &QSpinBox::valueChanged, this, &ControlsPanel::applyKernel);
    return group;
}

QWidget* ControlsPanel::buildCircuitGroup()
{
    auto* group = new QGroupBox(tr("Circuit"));
    auto* form = new QFormLayout(group);

    topology_ = new QComboBox;
    topology_->setObjectName(QStringLiteral("topologyCombo"));
    for (const Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
        topology_->addItem(QString::fromStdString(topologyName(t)), static_cast<int>(t));
    topology_->setToolTip(tr("Popcount structure: adder tree of ripple-carry adders, Wallace or "
                             "Dadda compressor trees, or an accumulator chain"));
    form->addRow(tr("Topology"), topology_);
    connect(topology_, &QComboBox::currentIndexChanged, this,
            [this](int index) { state_->setTopology(static_cast<Topology>(topology_->itemData(index).toInt())); });

    cell_ = new QComboBox;
    cell_->setObjectName(QStringLiteral("cellCombo"));
    for (const char* name : {"maj-fa", "maj"}) {
        const CellType* type = state_->library().find(name);
        cell_->addItem(QString::fromLatin1(name));
        if (type)
            cell_->setItemData(cell_->count() - 1, QString::fromStdString(type->description), Qt::ToolTipRole);
    }
    cell_->setToolTip(tr("Approximate cell that replaces the selected full adders"));
    form->addRow(tr("Approximate cell"), cell_);
    connect(cell_, &QComboBox::currentTextChanged, state_, &ExplorationState::setFaCell);

    haCell_ = new QComboBox;
    haCell_->setObjectName(QStringLiteral("haCellCombo"));
    haCell_->addItem(QStringLiteral("none"));
    for (const CellType& type : state_->library().cells())
        if (type.inputs == 2 && type.hasCarry && !type.isExact()) {
            haCell_->addItem(QString::fromStdString(type.name));
            haCell_->setItemData(haCell_->count() - 1, QString::fromStdString(type.description), Qt::ToolTipRole);
        }
    haCell_->setToolTip(tr("Approximate cell that replaces the selected half adders; none keeps them exact"));
    form->addRow(tr("Half-adder cell"), haCell_);
    connect(haCell_, &QComboBox::currentTextChanged, state_, &ExplorationState::setHaCell);
    return group;
}

QWidget* ControlsPanel::buildApproximationGroup()
{
    auto* group = new QGroupBox(tr("Approximation"));
    auto* form = new QFormLayout(group);

    lsb_ = makeSlider(kMaxLsbColumns, QStringLiteral("lsbSlider"),
                      tr("Full adders in the k least significant columns of every adder "
                         "become approximate (lower-part approximation); 0 = off"));
    lsbValue_ = new QLabel;
    lsbValue_->setObjectName(QStringLiteral("lsbValue"));
    form->addRow(tr("LSB columns"), sliderRow(lsb_, lsbValue_));
    connect(lsb_, &QSlider::valueChanged, state_, &ExplorationState::setLsbColumns);

    levels_ = makeSlider(kMaxLevels, QStringLiteral("levelsSlider"),
                         tr("Full adders on the first L levels of the tree (nearest the "
                            "inputs) become approximate; 0 = off"));
    levelsValue_ = new QLabel;
    levelsValue_->setObjectName(QStringLiteral("levelsValue"));
    form->addRow(tr("Tree levels"), sliderRow(levels_, levelsValue_));
    connect(levels_, &QSlider::valueChanged, state_, &ExplorationState::setLevels);

    const KnobInfo& pairs = knobInfo(Knob::Pairs);
    pairs_ = new QSpinBox;
    pairs_->setObjectName(QStringLiteral("pairsSpin"));
    pairs_->setToolTip(tr("Input pairs compressed ahead of the count to one weight-2 bit each, alternating AND "
                          "and OR (unbiased on independent inputs); at most half the inputs; 0 = off"));
    form->addRow(QString::fromUtf8(pairs.label), pairs_);
    connect(pairs_, &QSpinBox::valueChanged, state_, &ExplorationState::setPairs);

    const KnobInfo& compressors = knobInfo(Knob::Compressors);
    compressorColumns_ = new QSpinBox;
    compressorColumns_->setObjectName(QStringLiteral("compressorColumnsSpin"));
    compressorColumns_->setRange(0, compressors.max);
    compressorColumns_->setToolTip(tr("Wallace and Dadda trees: the K least significant columns reduce groups of "
                                      "four bits with the approximate 4:2 compressor below; 0 = off"));
    form->addRow(QString::fromUtf8(compressors.label), compressorColumns_);
    connect(compressorColumns_, &QSpinBox::valueChanged, state_, &ExplorationState::setCompressorColumns);
    compressor_ = new QComboBox;
    compressor_->setObjectName(QStringLiteral("compressorCombo"));
    for (const Compressor& c : compressorTable()) {
        compressor_->addItem(QString::fromLatin1(c.name));
        compressor_->setItemData(
            compressor_->count() - 1,
            QStringLiteral("%1 (%2)").arg(QString::fromUtf8(c.function), QString::fromUtf8(c.citation)),
            Qt::ToolTipRole);
    }
    compressor_->setToolTip(tr("The approximate 4:2 compressor of the compressor columns (each item's tooltip gives "
                               "its function and source)"));
    form->addRow(tr("4:2 compressor"), compressor_);
    connect(compressor_, &QComboBox::currentTextChanged, state_, &ExplorationState::setCompressor);

    overrides_ = new QLabel;
    overrides_->setObjectName(QStringLiteral("overridesValue"));
    overrides_->setToolTip(tr("Cells forced approximate or exact by hand (circuit view); "
                              "cleared when N or the topology changes"));
    form->addRow(tr("Hand-picked"), overrides_);
    knobNote_ = new QLabel;
    knobNote_->setObjectName(QStringLiteral("knobNote"));
    knobNote_->setWordWrap(true);
    knobNote_->hide();
    form->addRow(knobNote_);
    return group;
}

QWidget* ControlsPanel::buildStatisticsGroup()
{
    auto* group = new QGroupBox(tr("Input statistics"));
    auto* form = new QFormLayout(group);
    p_ = new QDoubleSpinBox;
    p_->setObjectName(QStringLiteral("pSpin"));
    p_->setRange(0.0, 1.0);
    p_->setSingleStep(0.05);
    p_->setDecimals(2);
    p_->setToolTip(tr("Probability that an input bit (XNOR output) is 1; inputs are "
                      "independent Bernoulli(p)"));
    form->addRow(tr("p"), p_);
    connect(p_, &QDoubleSpinBox::valueChanged, state_, &ExplorationState::setP);

    statistic_ = new QComboBox;
    statistic_->setObjectName(QStringLiteral("statisticCombo"));
    statistic_->addItem(tr("fixed p"), static_cast<int>(InputStatistic::Fixed));
    statistic_->addItem(tr("measured from the model's data"), static_cast<int>(InputStatistic::Measured));
    statistic_->setToolTip(tr("Where p comes from: the value above, or the selected layer's "
                              "measured fraction of XNOR outputs that are 1 (exact inference on "
                              "test images)"));
    form->addRow(tr("Source"), statistic_);
    connect(statistic_, &QComboBox::currentIndexChanged, this, [this](int index) {
        state_->setInputStatistic(static_cast<InputStatistic>(statistic_->itemData(index).toInt()));
    });
    return group;
}

QWidget* ControlsPanel::buildMitigationGroup()
{
    auto* group = new QGroupBox(tr("Mitigation"));
    auto* form = new QFormLayout(group);
    mitigation_ = new QComboBox;
    mitigation_->setObjectName(QStringLiteral("mitigationCombo"));
    for (const MitigationInfo& mode : mitigationModes()) {
        mitigation_->addItem(QString::fromUtf8(mode.name));
        mitigation_->setItemData(mitigation_->count() - 1, QString::fromUtf8(mode.summary), Qt::ToolTipRole);
    }
    mitigation_->setToolTip(tr("Run-time mitigation applied when computing the model's accuracy "
                               "(calibrated on training images)"));
    form->addRow(tr("Mode"), mitigation_);
    connect(mitigation_, &QComboBox::currentTextChanged, state_, &ExplorationState::setMitigation);
    return group;
}

void ControlsPanel::applyKernel()
{
    const int k2 = kernelSize_->value() * kernelSize_->value();
    channels_->setMaximum(kMaxInputs / k2); // may clamp C, which calls us again
    state_->setInputs(k2 * channels_->value());
}

void ControlsPanel::syncFromState()
{
    const CircuitSpec& spec = state_->spec();
    const QSignalBlocker blockInputs(inputs_), blockTopology(topology_), blockCell(cell_), blockHa(haCell_),
        blockLsb(lsb_), blockLevels(levels_), blockPairs(pairs_), blockCompressorColumns(compressorColumns_),
        blockCompressor(compressor_), blockP(p_), blockStatistic(statistic_), blockMitigation(mitigation_),
        blockKernel(kernelSize_), blockChannels(channels_);
    inputs_->setValue(spec.inputs);
    topology_->setCurrentIndex(topology_->findData(static_cast<int>(spec.topology)));
    const QString cell = QString::fromStdString(spec.approx.faCell);
    if (cell_->findText(cell) < 0)
        cell_->addItem(cell); // a library cell chosen elsewhere
    cell_->setCurrentText(cell);
    const QString ha = spec.approx.haCell.empty() ? QStringLiteral("none") : QString::fromStdString(spec.approx.haCell);
    if (haCell_->findText(ha) < 0)
        haCell_->addItem(ha);
    haCell_->setCurrentText(ha);
    // The chain adds one bit per step: half adders only, which the knobs
    // select but only a half-adder cell replaces.
    const bool knobs = spec.approx.lsbColumns > 0 || spec.approx.levels > 0;
    knobNote_->setVisible(!state_->hasImportedNetlist() && spec.topology == Topology::Chain && knobs
                          && spec.approx.haCell.empty());
    knobNote_->setText(tr("The chain has no full adders, so the %1 cell replaces nothing: choose a half-adder "
                          "cell to approximate it.")
                           .arg(cell));
    lsb_->setValue(spec.approx.lsbColumns);
    lsbValue_->setText(QString::number(spec.approx.lsbColumns));
    levels_->setValue(spec.approx.levels);
    levelsValue_->setText(QString::number(spec.approx.levels));
    pairs_->setRange(0, spec.inputs / 2);
    pairs_->setValue(spec.approx.pairs);
    const bool compressorTree = spec.topology == Topology::Wallace || spec.topology == Topology::Dadda;
    compressorColumns_->setEnabled(compressorTree);
    compressor_->setEnabled(compressorTree);
    compressorColumns_->setValue(spec.approx.compressorColumns);
    compressor_->setCurrentText(QString::fromStdString(spec.approx.compressor));
    p_->setValue(spec.p);
    const bool measured = state_->inputStatistic() == InputStatistic::Measured;
    statistic_->setCurrentIndex(statistic_->findData(static_cast<int>(state_->inputStatistic())));
    p_->setEnabled(!measured); // shows the measured p, read-only
    mitigation_->setCurrentText(state_->mitigation());
    overrides_->setText(
        tr("%1 approximate, %2 exact").arg(spec.approx.extraCells.size()).arg(spec.approx.exactCells.size()));

    // The knobs below describe the built circuit; say what is explored instead.
    importNote_->setVisible(state_->hasImportedNetlist());
    if (state_->hasImportedNetlist())
        importNote_->setText(tr("Exploring the imported netlist <b>%1</b> (%2 inputs): p and the input statistic "
                                "apply to it. Changing N, the topology, the cell or a knob below returns to the "
                                "built circuit, as does File > Back to built circuit.")
                                 .arg(QFileInfo(state_->importedPath()).fileName().toHtmlEscaped())
                                 .arg(spec.inputs));

    // k x k x C always equals N: a selected convolution shows its kernel;
    // otherwise the kernel shown is kept if it divides N, else the smallest
    // odd k that does (k = 1, C = N at worst), and the note says which.
    const auto model = state_->model();
    const int layer = state_->selectedLayer();
    int k = kernelSize_->value();
    QString note;
    if (model && layer >= 0 && model->model.layers[layer].kind == LayerKind::Conv
        && model->model.layers[layer].fanIn() == spec.inputs) {
        k = model->model.layers[layer].kernel;
        note = tr("the kernel of layer %1").arg(QString::fromStdString(model->model.layers[layer].name));
    } else if (spec.inputs % (k * k) != 0) {
        k = 1;
        for (const int odd : {3, 5, 7, 9, 11, 13, 15})
            if (spec.inputs % (odd * odd) == 0) {
                k = odd;
                break;
            }
    }
    const int c = spec.inputs / (k * k);
    channels_->setMaximum(std::max(kMaxInputs / (k * k), c));
    kernelSize_->setValue(k);
    channels_->setValue(c);
    if (note.isEmpty())
        note = model && layer < 0 ? tr("no layer selected") : QString();
    kernelNote_->setText(tr("%1 · %1 · %2 = N = %3%4")
                             .arg(k)
                             .arg(c)
                             .arg(spec.inputs)
                             .arg(note.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(note)));
}

} // namespace axbnn::gui
