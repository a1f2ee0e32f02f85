// Formats a CircuitReport into labels; greys them while a newer one computes.
#include "panels/summary_panel.h"

#include "state/exploration_state.h"
#include "state/latency_trace.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QStringList>
#include <QVBoxLayout>

namespace axbnn::gui {

namespace {

// Fixed notation with a C-locale decimal point, so values read the same everywhere.
QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}
QString general(double value)
{
    return QString::number(value, 'g', 4);
}

// "value ± ci" when Monte Carlo gave a confidence half-width.
QString withCi(const QString& value, double ci)
{
    return ci > 0.0 ? QStringLiteral("%1 ± %2").arg(value, general(ci)) : value;
}

QString describe(const CircuitSpec& spec)
{
    QString approx = QStringLiteral("exact");
    if (!spec.approx.isExact())
        approx = QStringLiteral("%1 on LSB %2 / levels %3")
                     .arg(QString::fromStdString(spec.approx.faCell))
                     .arg(spec.approx.lsbColumns)
                     .arg(spec.approx.levels);
    if (spec.approx.pairs > 0)
        approx += QStringLiteral(", %1 pairs").arg(spec.approx.pairs);
    if (spec.approx.compressorColumns > 0)
        approx += QStringLiteral(", %1 in %2 columns")
                      .arg(QString::fromStdString(spec.approx.compressor))
                      .arg(spec.approx.compressorColumns);
    if (!spec.approx.columnCells.empty())
        approx += QStringLiteral(", columns %1").arg(QString::fromStdString(cellMapText(spec.approx.columnCells)));
    if (!spec.approx.levelCells.empty())
        approx += QStringLiteral(", levels %1").arg(QString::fromStdString(cellMapText(spec.approx.levelCells)));
    return QStringLiteral("N = %1, %2, %3, p = %4")
        .arg(spec.inputs)
        .arg(QString::fromStdString(topologyName(spec.topology)), approx, fixed(spec.p, 2));
}

} // namespace

SummaryPanel::SummaryPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    status_ = new QLabel(tr("no result yet"));
    status_->setObjectName(QStringLiteral("statusLabel"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    values_ = new QWidget;
    auto* valuesLayout = new QVBoxLayout(values_);
    valuesLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(values_);

    auto* design = new QFormLayout;
    design_ = addValue(design, tr("Design"), QStringLiteral("designValue"),
                       tr("The specification these numbers were computed for"));
    valuesLayout->addLayout(design);

    auto* costGroup = new QGroupBox(tr("Cost"));
    auto* cost = new QFormLayout(costGroup);
    area_ = addValue(cost, tr("Area"), QStringLiteral("areaValue"), tr("Sum of cell areas (cell library, um^2)"));
    transistors_ = addValue(cost, tr("Transistors"), QStringLiteral("transistorsValue"),
                            tr("Static-CMOS transistors of the whole circuit: its logic mapped onto NAND, NOR, "
                               "AOI, OAI, XOR and MUX gates as synthesis maps it, shared logic counted once; "
                               "cells with figures of their own (cmos45) count whole"));
    delay_ = addValue(cost, tr("Delay"), QStringLiteral("delayValue"),
                      tr("Critical path from any input to any output (static timing, ps)"));
    energy_ = addValue(cost, tr("Energy"), QStringLiteral("energyValue"),
                       tr("Mean switching energy per new input vector (simulated, fJ)"));
    cells_ = addValue(cost, tr("Cells"), QStringLiteral("cellsValue"), tr("Cell instances, of which approximate"));
    cellCounts_ = addValue(cost, tr("By kind"), QStringLiteral("cellCountsValue"), tr("Instances of each cell kind"));
    valuesLayout->addWidget(costGroup);

    auto* errorGroup = new QGroupBox(tr("Error (e = approximate - exact)"));
    auto* error = new QFormLayout(errorGroup);
    errorRate_ = addValue(error, tr("Error rate"), QStringLiteral("errorRateValue"), tr("P(e != 0)"));
    meanError_ = addValue(error, tr("Mean error"), QStringLiteral("meanErrorValue"), tr("E[e], the bias"));
    mae_ = addValue(error, tr("MAE"), QStringLiteral("maeValue"), tr("Mean absolute error E|e|"));
    mse_ = addValue(error, tr("MSE"), QStringLiteral("mseValue"), tr("Mean squared error E[e^2]"));
    wce_ = addValue(error, tr("WCE"), QStringLiteral("wceValue"),
                    tr("Worst-case error max |e| over inputs of nonzero probability"));
    method_ =
        addValue(error, tr("Method"), QStringLiteral("methodValue"), tr("How the error statistics were computed"));
    precision_ =
        addValue(error, tr("Precision"), QStringLiteral("precisionValue"), tr("What the error numbers are exact to"));
    valuesLayout->addWidget(errorGroup);

    // Outside values_: accuracy has its own life cycle (it is not greyed by circuit updates).
    auto* accuracyGroup = new QGroupBox(tr("Model accuracy"));
    auto* accuracy = new QFormLayout(accuracyGroup);
    accuracy_ = addValue(accuracy, tr("Accuracy"), QStringLiteral("accuracyValue"),
                         tr("Test accuracy of the loaded model with this circuit in every conv "
                            "and dense layer (and the chosen mitigation)"));
    accuracyDelta_ = addValue(accuracy, tr("Change"), QStringLiteral("accuracyDeltaValue"),
                              tr("Accuracy minus the exact model's accuracy on the same images, "
                                 "in percentage points"));
    // Where an imported circuit is used (issue 7); hidden for built circuits.
    imported_ = new QLabel;
    imported_->setObjectName(QStringLiteral("importedUseLabel"));
    imported_->setWordWrap(true);
    imported_->setVisible(false);
    accuracy->addRow(imported_);
    auto showImported = [this] {
        imported_->setText(state_->importedUse());
        imported_->setVisible(state_->hasImportedNetlist());
    };
    connect(state, &ExplorationState::netlistChanged, this, showImported);
    connect(state, &ExplorationState::changed, this, showImported);
    connect(state, &ExplorationState::modelChanged, this, showImported);
    layout->insertWidget(1, accuracyGroup); // near the top: always visible

    layout->addStretch(1);

    values_->setEnabled(false);
    connect(state, &ExplorationState::reportReady, this,
            [this](const std::shared_ptr<const CircuitReport>& report) { showReport(*report); });
    connect(state, &ExplorationState::busyChanged, this, &SummaryPanel::showBusy);
    connect(state, &ExplorationState::failed, this, &SummaryPanel::showFailure);
    connect(state, &ExplorationState::accuracyChanged, this, &SummaryPanel::showAccuracy);
    connect(state, &ExplorationState::modelChanged, this, &SummaryPanel::showAccuracy);
    // Numbers of another design are greyed at once (the report follows).
    connect(state, &ExplorationState::changed, this, [this] {
        const auto report = state_->report();
        values_->setEnabled(report && state_->isCurrent(*report) && !state_->isBusy());
        showAccuracy();
    });
    if (state->report())
        showReport(*state->report());
    showBusy(state->isBusy());
    showAccuracy();
}

void SummaryPanel::showAccuracy()
{
    const auto result = state_->accuracy();
    if (!state_->model()) {
        accuracy_->setText(tr("no model loaded"));
        accuracyDelta_->setText(QStringLiteral("–"));
        return;
    }
    if (!result || !state_->isCurrent(*result)) {
        accuracy_->setText(tr("computing…"));
        accuracyDelta_->setText(QStringLiteral("–"));
        return;
    }
    const QString scope =
        result->complete ? tr("all %1 images").arg(result->images) : tr("first %1 images").arg(result->images);
    accuracy_->setText(tr("%1 % (%2)").arg(fixed(100.0 * result->accuracy(), 2), scope));
    const double delta = 100.0 * (result->accuracy() - result->exactAccuracy());
    accuracyDelta_->setText(tr("%1%2 pp (exact %3 %)")
                                .arg(delta >= 0.0 ? QStringLiteral("+") : QString())
                                .arg(fixed(delta, 2))
                                .arg(fixed(100.0 * result->exactAccuracy(), 2)));
}

QLabel* SummaryPanel::addValue(QFormLayout* form, const QString& label, const QString& objectName, const QString& tip)
{
    auto* value = new QLabel(QStringLiteral("–"));
    value->setObjectName(objectName);
    value->setToolTip(tip);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* name = new QLabel(label);
    name->setToolTip(tip);
    form->addRow(name, value);
    return value;
}

void SummaryPanel::showReport(const CircuitReport& report)
{
    const CircuitCost& c = report.cost;
    const ErrorStats& e = report.error;
    design_->setText(report.source.empty() ? describe(report.spec)
                                           : tr("imported %1, N = %2, p = %3")
                                                 .arg(QFileInfo(QString::fromStdString(report.source)).fileName())
                                                 .arg(report.spec.inputs)
                                                 .arg(fixed(report.spec.p, 2)));
    area_->setText(fixed(c.areaUm2, 1) + QStringLiteral(" µm²"));
    transistors_->setText(QString::number(c.transistors));
    delay_->setText(fixed(c.delayPs, 1) + QStringLiteral(" ps"));
    energy_->setText(fixed(c.energyFj, 1) + QStringLiteral(" fJ"));
    cells_->setText(tr("%1 (%2 approximate)").arg(c.cells).arg(c.approximateCells));
    QStringList counts;
    for (const auto& [kind, n] : c.counts)
        counts << QStringLiteral("%1 %2").arg(QString::fromStdString(kind)).arg(n);
    cellCounts_->setText(counts.join(QStringLiteral(", ")));

    errorRate_->setText(withCi(general(e.errorRate), e.errorRateCi));
    meanError_->setText(withCi(general(e.meanError), e.meanErrorCi));
    mae_->setText(withCi(general(e.mae), e.maeCi));
    mse_->setText(withCi(general(e.mse), e.mseCi));
    wce_->setText(e.wceExact ? QString::number(e.wce) : tr("%1 (largest observed)").arg(e.wce));
    const QString method = QString::fromStdString(errorMethodName(e.method));
    method_->setText(e.samples > 0 ? tr("%1, %2 vectors").arg(method).arg(e.samples) : method);
    precision_->setText(QString::fromStdString(e.precision)); // the engine states pruning etc.

    status_->setStyleSheet({});
    status_->setText(tr("ready"));
    values_->setEnabled(true);
    trace::mark("summary shown");
}

void SummaryPanel::showBusy(bool busy)
{
    if (!busy)
        return; // the result or the failure that ends the computation updates the view
    status_->setStyleSheet({});
    status_->setText(tr("computing…"));
    values_->setEnabled(false);
}

void SummaryPanel::showFailure(const QString& message)
{
    status_->setStyleSheet(QStringLiteral("color: #b00020;"));
    status_->setText(tr("error: %1").arg(message));
    values_->setEnabled(false);
}

} // namespace axbnn::gui
