// The Search dock's form: the options of `axbnn search` (docs/cli.md), the
// names from the engine's tables (objectives, strategies, mitigation modes).
#include "search_dock/search_panel.h"

#include "state/exploration_state.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

namespace axbnn::gui {
namespace {

QSpinBox* spin(const char* name, int lo, int hi, int value, const QString& tip)
{
    auto* s = new QSpinBox;
    s->setObjectName(QString::fromLatin1(name));
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QPushButton* button(const QString& text, const char* name, const QString& tip)
{
    auto* b = new QPushButton(text);
    b->setObjectName(QString::fromLatin1(name));
    b->setToolTip(tip);
    return b;
}

} // namespace

QWidget* SearchPanel::buildForm()
{
    const SearchCommand defaults;
    auto* form = new QWidget;
    auto* layout = new QFormLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);

    budget_ = new QDoubleSpinBox;
    budget_->setObjectName(QStringLiteral("searchBudget"));
    budget_->setRange(0.0, 100.0);
    budget_->setDecimals(2);
    budget_->setSingleStep(0.25);
    budget_->setValue(defaults.budget);
    budget_->setSuffix(tr(" points"));
    budget_->setToolTip(tr("Accuracy loss allowed against the exact model (--budget)"));
    objective_ = new QComboBox;
    objective_->setObjectName(QStringLiteral("searchObjective"));
    for (const ObjectiveInfo& o : objectiveTable())
        objective_->addItem(QString::fromUtf8(o.name));
    objective_->setToolTip(tr("Network popcount cost to minimize (--objective, docs/search.md \"Objective\")"));
    strategy_ = new QComboBox;
    strategy_->setObjectName(QStringLiteral("searchStrategy"));
    for (const StrategyInfo& s : strategyTable()) {
        strategy_->addItem(QString::fromUtf8(s.name));
        strategy_->setItemData(strategy_->count() - 1, QString::fromUtf8(s.summary), Qt::ToolTipRole);
    }
    strategy_->setToolTip(tr("Search strategy (--strategy); greedy is the default"));
    mitigation_ = new QComboBox;
    mitigation_->setObjectName(QStringLiteral("searchMitigation"));
    for (const std::string& m : mitigationNames())
        mitigation_->addItem(QString::fromStdString(m));
    mitigation_->setToolTip(tr("Mitigation mode of every searched design (--mitigation)"));
    calibration_ = spin("searchCalibration", 1, 1'000'000, defaults.setup.calibrationLimit,
                        tr("Calibration images that fit the mitigation (--calibration-limit)"));
    proxy_ = spin("searchProxyImages", 1, 1'000'000, defaults.setup.proxyImages,
                  tr("The next calibration images, on which designs are ranked (--proxy-images)"));
    evaluations_ = spin("searchEvaluations", 1, 1'000'000, defaults.evaluations,
                        tr("Networks evaluated on the proxy images at most (--evaluations)"));
    timeLimit_ = new QDoubleSpinBox;
    timeLimit_->setObjectName(QStringLiteral("searchTimeLimit"));
    timeLimit_->setRange(0.0, 1e7);
    timeLimit_->setDecimals(1);
    timeLimit_->setSuffix(tr(" s"));
    timeLimit_->setSpecialValueText(tr("none"));
    timeLimit_->setToolTip(tr("Stop searching after this time, then verify (--time-limit)"));
    limit_ = spin("searchTestLimit", 0, 100'000'000, 0, tr("Test images the front is verified on, 0: all (--limit)"));
    limit_->setSpecialValueText(tr("all"));

    layout->addRow(tr("Budget"), budget_);
    layout->addRow(tr("Objective"), objective_);
    layout->addRow(tr("Strategy"), strategy_);
    layout->addRow(tr("Mitigation"), mitigation_);
    layout->addRow(tr("Calibration images"), calibration_);
    layout->addRow(tr("Proxy images"), proxy_);
    layout->addRow(tr("Evaluations"), evaluations_);
    layout->addRow(tr("Time limit"), timeLimit_);
    layout->addRow(tr("Test images"), limit_);

    start_ = button(tr("Start"), "searchStart", tr("Search the loaded model (in the background)"));
    cancel_ = button(tr("Cancel"), "searchCancel", tr("Stop the search; the front found so far stays"));
    auto* run = new QHBoxLayout;
    run->addWidget(start_);
    run->addWidget(cancel_);
    layout->addRow(run);
    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("searchProgress"));
    progress_->setToolTip(tr("Networks evaluated on the proxy images"));
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("searchStatus"));
    status_->setWordWrap(true);
    layout->addRow(progress_);
    layout->addRow(status_);

    exportDesign_ = button(tr("Export design…"), "searchExportDesign",
                           tr("The loaded (else the chosen) design as a layer config for axbnn eval --config"));
    exportFront_ = button(tr("Export front…"), "searchExportFront", tr("The front as CSV (axbnn search --front)"));
    knobs_ = button(tr("Knobs on every layer"), "searchClearDesign",
                    tr("Leave the per-layer design: the controls' knobs apply to every layer again"));
    auto* out = new QHBoxLayout;
    out->addWidget(exportDesign_);
    out->addWidget(exportFront_);
    out->addWidget(knobs_);
    layout->addRow(out);
    return form;
}

SearchCommand SearchPanel::command() const
{
    SearchCommand c;
    if (const auto model = state_->model())
        c.setup.model = model->path;
    const Design d = state_->design();
    c.setup.data = d.data.dataset;
    c.setup.calibration = d.data.calibration;
    c.setup.limit = limit_->value();
    c.setup.calibrationLimit = calibration_->value();
    c.setup.proxyImages = proxy_->value();
    c.setup.threads = threads_;
    c.setup.mitigations = {parseMitigation(mitigation_->currentText().toStdString())};
    c.strategy = strategy_->currentText().toStdString();
    c.objective = objective_->currentText().toStdString();
    c.budget = budget_->value();
    c.evaluations = evaluations_->value();
    c.timeLimit = timeLimit_->value();
    return c;
}

void SearchPanel::setCommand(const SearchCommand& c)
{
    budget_->setValue(c.budget);
    objective_->setCurrentText(QString::fromStdString(c.objective));
    strategy_->setCurrentText(QString::fromStdString(c.strategy));
    mitigation_->setCurrentText(
        QString::fromUtf8(mitigationName(c.setup.mitigations.empty() ? Mitigation::None : c.setup.mitigations[0])));
    calibration_->setValue(c.setup.calibrationLimit);
    proxy_->setValue(c.setup.proxyImages);
    evaluations_->setValue(c.evaluations);
    timeLimit_->setValue(c.timeLimit);
    limit_->setValue(c.setup.limit);
    threads_ = c.setup.threads;
}

} // namespace axbnn::gui
