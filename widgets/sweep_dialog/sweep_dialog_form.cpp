// The Sweep dialog's form: its widgets, and the choices they hold
// (SweepChoices) in both directions. Run, results and saving: sweep_dialog.cpp.
#include "sweep_dialog/sweep_dialog.h"

#include "state/exploration_state.h"

#include "bnn/mitigation.h"
#include "circuit/netlist.h"
#include "sweep/sweep_spec.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>

#include <algorithm>

namespace axbnn::gui {
namespace {

QListWidget* checkList(const std::vector<std::string>& items, const std::vector<std::string>& checked)
{
    auto* list = new QListWidget;
    for (const std::string& item : items) {
        auto* row = new QListWidgetItem(QString::fromStdString(item), list);
        row->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        row->setCheckState(std::find(checked.begin(), checked.end(), item) != checked.end() ? Qt::Checked
                                                                                            : Qt::Unchecked);
    }
    list->setMaximumHeight(90);
    return list;
}

std::vector<std::string> checkedItems(const QListWidget* list)
{
    std::vector<std::string> out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            out.push_back(list->item(i)->text().toStdString());
    return out;
}

void setChecked(QListWidget* list, const std::vector<std::string>& checked)
{
    for (int i = 0; i < list->count(); ++i) {
        const std::string text = list->item(i)->text().toStdString();
        list->item(i)->setCheckState(std::find(checked.begin(), checked.end(), text) != checked.end() ? Qt::Checked
                                                                                                      : Qt::Unchecked);
    }
}

std::vector<std::string> fullAdderCells(const CellLibrary& library)
{
    std::vector<std::string> names;
    for (const CellType& cell : library.cells())
        if (cell.inputs == 3 && cell.hasCarry && !cell.gate && !cell.isExact())
            names.push_back(cell.name);
    return names;
}

} // namespace

QWidget* SweepDialog::buildForm()
{
    auto* box = new QWidget;
    auto* form = new QFormLayout(box);

    auto* spec = new QHBoxLayout;
    specLabel_ = new QLabel(tr("the form below"));
    specLabel_->setWordWrap(true);
    auto* open = new QPushButton(tr("Open spec…"));
    useForm_ = new QPushButton(tr("Use form"));
    useForm_->setEnabled(false);
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open sweep spec"), {}, tr("Sweep spec (*.json);;All files (*)"));
        if (!path.isEmpty())
            loadSpecFile(path);
    });
    connect(useForm_, &QPushButton::clicked, this, &SweepDialog::clearSpecFile);
    spec->addWidget(specLabel_, 1);
    spec->addWidget(open);
    spec->addWidget(useForm_);
    form->addRow(tr("Spec:"), spec);

    sizes_ = new QLineEdit(QStringLiteral("576"));
    sizes_->setToolTip(tr("Popcount widths N, separated by commas or spaces"));
    form->addRow(tr("Sizes N:"), sizes_);
    auto* kernels = new QHBoxLayout;
    kernel3_ = new QCheckBox(QStringLiteral("3x3"));
    kernel5_ = new QCheckBox(QStringLiteral("5x5"));
    kernel7_ = new QCheckBox(QStringLiteral("7x7"));
    channels_ = new QSpinBox;
    channels_->setRange(1, 1024);
    channels_->setValue(64);
    channels_->setPrefix(tr("x "));
    channels_->setSuffix(tr(" channels"));
    kernels->addWidget(kernel3_);
    kernels->addWidget(kernel5_);
    kernels->addWidget(kernel7_);
    kernels->addWidget(channels_);
    form->addRow(tr("Kernels:"), kernels);
    useModels_ = new QCheckBox(tr("Loaded model(s)"));
    modelsLabel_ = new QLabel;
    modelsLabel_->setWordWrap(true);
    auto refreshModels = [this] {
        QStringList names;
        if (state_) {
            for (const auto& m : {state_->model(), state_->comparisonModel()})
                if (m)
                    names << QFileInfo(QString::fromStdString(m->path)).fileName();
        }
        useModels_->setEnabled(!names.isEmpty());
        if (names.isEmpty())
            useModels_->setChecked(false);
        modelsLabel_->setText(names.isEmpty() ? tr("(no model loaded)") : names.join(QStringLiteral(", ")));
    };
    refreshModels();
    if (state_)
        connect(state_, &ExplorationState::modelChanged, this, refreshModels);
    auto* models = new QHBoxLayout;
    models->addWidget(useModels_);
    models->addWidget(modelsLabel_, 1);
    form->addRow(tr("Models:"), models);

    std::vector<std::string> topologyNames;
    for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
        topologyNames.push_back(topologyName(t));
    topologies_ = checkList(topologyNames, {"adder-tree"});
    form->addRow(tr("Topologies:"), topologies_);
    cells_ = checkList(fullAdderCells(state_ ? state_->library() : CellLibrary::defaults()), {"maj-fa"});
    form->addRow(tr("Full-adder cells:"), cells_);

    auto* knobs = new QHBoxLayout;
    knobLsb_ = new QCheckBox(tr("LSB columns"));
    knobLsb_->setChecked(true);
    knobLevels_ = new QCheckBox(tr("tree levels"));
    knobs->addWidget(knobLsb_);
    knobs->addWidget(knobLevels_);
    form->addRow(tr("Approximate:"), knobs);
    auto* levels = new QHBoxLayout;
    levelFrom_ = new QSpinBox;
    levelFrom_->setRange(0, 64);
    levelTo_ = new QSpinBox;
    levelTo_->setRange(0, 64);
    levelTo_->setValue(2);
    levels->addWidget(levelFrom_);
    levels->addWidget(new QLabel(tr("to")));
    levels->addWidget(levelTo_);
    form->addRow(tr("Levels:"), levels);
    mitigations_ = checkList(mitigationNames(), {mitigationName(Mitigation::None)});
    form->addRow(tr("Mitigation:"), mitigations_);
    p_ = new QDoubleSpinBox;
    p_->setRange(0.0, 1.0);
    p_->setDecimals(3);
    p_->setSingleStep(0.05);
    p_->setValue(0.5);
    form->addRow(tr("Input p:"), p_);
    dataset_ = new QLineEdit(QStringLiteral("fashion-mnist"));
    form->addRow(tr("Data (models):"), dataset_);
    limit_ = new QSpinBox;
    limit_->setRange(0, 1000000);
    limit_->setValue(1000);
    limit_->setSpecialValueText(tr("all images"));
    form->addRow(tr("Images:"), limit_);

    auto* out = new QHBoxLayout;
    output_ = new QLineEdit;
    output_->setPlaceholderText(tr("results.csv (optional; journal beside it makes the sweep resumable)"));
    auto* browse = new QPushButton(tr("…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Sweep results"), output_->text(), tr("CSV (*.csv);;JSON (*.json)"));
        if (!path.isEmpty())
            output_->setText(path);
    });
    out->addWidget(output_, 1);
    out->addWidget(browse);
    form->addRow(tr("Output:"), out);
    return box;
}

SweepChoices SweepDialog::choices() const
{
    SweepChoices c;
    for (const QString& part :
         sizes_->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = part.toInt(&ok);
        c.sizes.push_back(ok ? n : -1); // -1: the engine names the bad entry
    }
    for (auto [box, k] : {std::pair{kernel3_, 3}, {kernel5_, 5}, {kernel7_, 7}})
        if (box->isChecked())
            c.kernels.push_back(k);
    c.channels = channels_->value();
    if (!explicitModels_.empty()) {
        c.models = explicitModels_;
    } else if (useModels_->isChecked() && state_) {
        for (const auto& m : {state_->model(), state_->comparisonModel()})
            if (m)
                c.models.push_back(m->path);
    }
    c.topologies = checkedItems(topologies_);
    c.faCells = checkedItems(cells_);
    c.knobs.clear();
    if (knobLsb_->isChecked())
        c.knobs.push_back(knobName(Knob::LsbColumns));
    if (knobLevels_->isChecked())
        c.knobs.push_back(knobName(Knob::Levels));
    c.levelFrom = levelFrom_->value();
    c.levelTo = levelTo_->value();
    c.mitigations = checkedItems(mitigations_);
    c.p = p_->value();
    c.dataset = dataset_->text().trimmed().toStdString();
    c.limit = limit_->value();
    return c;
}

void SweepDialog::setChoices(const SweepChoices& c)
{
    QStringList sizes;
    for (int n : c.sizes)
        sizes << QString::number(n);
    sizes_->setText(sizes.join(QStringLiteral(", ")));
    kernel3_->setChecked(std::find(c.kernels.begin(), c.kernels.end(), 3) != c.kernels.end());
    kernel5_->setChecked(std::find(c.kernels.begin(), c.kernels.end(), 5) != c.kernels.end());
    kernel7_->setChecked(std::find(c.kernels.begin(), c.kernels.end(), 7) != c.kernels.end());
    channels_->setValue(c.channels);
    explicitModels_ = c.models;
    setChecked(topologies_, c.topologies);
    setChecked(cells_, c.faCells);
    knobLsb_->setChecked(std::find(c.knobs.begin(), c.knobs.end(), knobName(Knob::LsbColumns)) != c.knobs.end());
    knobLevels_->setChecked(std::find(c.knobs.begin(), c.knobs.end(), knobName(Knob::Levels)) != c.knobs.end());
    levelFrom_->setValue(c.levelFrom);
    levelTo_->setValue(c.levelTo);
    setChecked(mitigations_, c.mitigations);
    p_->setValue(c.p);
    dataset_->setText(QString::fromStdString(c.dataset));
    limit_->setValue(c.limit);
}

} // namespace axbnn::gui
