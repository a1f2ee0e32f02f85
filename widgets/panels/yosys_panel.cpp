// The Yosys synthesis report panel.
#include "panels/yosys_panel.h"

#include "state/exploration_state.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace axbnn::gui {

YosysPanel::YosysPanel(ExplorationState* state, QWidget* parent)
    : QWidget(parent), state_(state), yosys_(findYosys()),
      runner_(this,
              {[this](auto report) { show(std::move(report)); },
               [this](const QString& message) { summary_->setText(message); }, [this](bool) { updateEnabled(); }})
{
    action_ = new QAction(tr("Synthesize with &Yosys"), this);
    action_->setObjectName(QStringLiteral("yosysAction"));
    connect(action_, &QAction::triggered, this, [this] { synthesize(); });
    auto* button = new QPushButton(tr("Synthesize with Yosys"));
    button->setObjectName(QStringLiteral("yosysButton"));
    connect(button, &QPushButton::clicked, action_, &QAction::trigger);
    connect(action_, &QAction::changed, button, [this, button] {
        button->setEnabled(action_->isEnabled());
        button->setToolTip(action_->toolTip());
    });

    summary_ = new QLabel(yosysFound() ? tr("Not synthesized yet.") : tr("Yosys is not installed."));
    summary_->setObjectName(QStringLiteral("yosysSummary"));
    summary_->setWordWrap(true);
    cells_ = new QTableWidget(0, 2);
    cells_->setHorizontalHeaderLabels({tr("Yosys cell"), tr("Count")});
    cells_->horizontalHeader()->setStretchLastSection(true);
    cells_->verticalHeader()->setVisible(false);
    cells_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(button);
    layout->addWidget(summary_);
    layout->addWidget(cells_, 1);

    connect(state_, &ExplorationState::reportReady, this, [this] { updateEnabled(); });
    connect(state_, &ExplorationState::changed, this, &YosysPanel::markStale);
    updateEnabled();
    button->setEnabled(action_->isEnabled());
    button->setToolTip(action_->toolTip());
}

void YosysPanel::updateEnabled()
{
    if (!yosysFound()) {
        action_->setEnabled(false);
        action_->setToolTip(tr("yosys was not found on PATH: install Yosys to cross-check the cost model"));
        return;
    }
    action_->setEnabled(state_->report() != nullptr && !runner_.isBusy());
    action_->setToolTip(tr("Synthesize the explored circuit to CMOS gates with %1 and count cells and "
                           "transistors")
                            .arg(QString::fromStdString(yosys_)));
}

bool YosysPanel::synthesize()
{
    const auto report = state_->report();
    if (!yosysFound() || !report || runner_.isBusy())
        return false;
    reportHash_ = circuitHash();
    reportInputs_ = report->spec.inputs;
    builtInCells_ = report->cost.cells;
    builtInTransistors_ = report->cost.transistors;
    summary_->setText(tr("Yosys is synthesizing %1 cells…").arg(builtInCells_));
    // The job shares the immutable report (its netlist) with the GUI.
    runner_.submit([report] { return runYosysReport(report->netlist); });
    return true;
}

void YosysPanel::show(std::shared_ptr<const YosysReport> report)
{
    report_ = report;
    cells_->setRowCount(0);
    if (!report->ran) {
        summary_->setText(tr("Yosys did not run: %1").arg(QString::fromStdString(report->message)));
    } else {
        summary_->setText(summaryText());
        for (const auto& [type, count] : report->cells) {
            const int row = cells_->rowCount();
            cells_->insertRow(row);
            cells_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(type)));
            auto* n = new QTableWidgetItem(QString::number(count));
            n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            cells_->setItem(row, 1, n);
        }
    }
    markStale(); // the circuit may have changed while Yosys ran
    updateEnabled();
    Q_EMIT reportReady();
}

std::string YosysPanel::circuitHash() const
{
    Design d = state_->design();
    d.p = 0.0; // synthesis does not depend on the input statistic
    d.pSource = PSource::Fixed;
    return designHash(d, Aspect::Circuit);
}

void YosysPanel::markStale()
{
    if (!report_)
        return;
    const bool stale = reportHash_ != circuitHash();
    cells_->setEnabled(!stale);
    summary_->setText(
        stale ? tr("Yosys result of another circuit (N = %1): synthesize again for this one.").arg(reportInputs_)
              : summaryText());
    setProperty("stale", stale);
}

QString YosysPanel::summaryText() const
{
    if (!report_ || !report_->ran)
        return summary_->text();
    return tr("Yosys: %1 cells, %2 transistors. Built-in cost model: %3 cells, %4 transistors.")
        .arg(report_->cellCount)
        .arg(report_->transistors)
        .arg(builtInCells_)
        .arg(builtInTransistors_);
}

} // namespace axbnn::gui
