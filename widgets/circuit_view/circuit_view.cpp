// The Circuit panel: background layout and contributions, looks, export.
#include "circuit_view/circuit_view.h"

#include "circuit_view/circuit_graphics_view.h"
#include "circuit_view/circuit_legend.h"
#include "circuit_view/circuit_scene.h"
#include "state/latency_trace.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace axbnn::gui {

CircuitView::CircuitView(QWidget* parent)
    : QWidget(parent), scene_(new CircuitScene(this)), view_(new CircuitGraphicsView), legend_(new CircuitLegend),
      modeBox_(new QComboBox), status_(new QLabel),
      library_(std::make_shared<const CellLibrary>(CellLibrary::defaults())),
      layoutRunner_(this,
                    {[this](auto result) { buildScene(*result); },
                     [this](const QString& message) { status_->setText(message); },
                     {}}),
      contributionRunner_(this,
                          {[this](auto result) {
                               contributions_ = result;
                               applyLooks();
                               Q_EMIT contributionsReady();
                           },
                           [this](const QString& message) { status_->setText(message); },
                           {}})
{
    view_->setScene(scene_);
    view_->cellToolTip = [this](int id) {
        requestContributions(); // the tooltip shows them once they are there
        return cellToolTip(id);
    };
    connect(view_, &CircuitGraphicsView::cellClicked, this, &CircuitView::onCellClicked);
    connect(view_, &CircuitGraphicsView::cellMenuRequested, this, [this](int cellId, const QPoint& at) {
        if (QMenu* menu = cellMenu(cellId, this)) {
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(at);
        }
    });

    auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton;
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, slot);
        return b;
    };
    modeBox_->addItem(tr("Colour: exact / approximate"));
    modeBox_->addItem(tr("Colour: error contribution"));
    modeBox_->setToolTip(tr("Colour cells by kind, or by the mean absolute error each adds "
                            "(or would add) as an approximate cell"));
    connect(modeBox_, &QComboBox::currentIndexChanged, this, [this](int index) {
        setColourMode(index == 1 ? ColourMode::ErrorContribution : ColourMode::Approximation);
    });
    auto* bar = new QHBoxLayout;
    bar->addWidget(button(tr("Fit"), tr("Show the whole circuit (F)"), &CircuitView::fit));
    bar->addWidget(button(tr("+"), tr("Zoom in (+ or wheel)"), [this] { view_->zoomBy(1.25); }));
    bar->addWidget(button(tr("-"), tr("Zoom out (- or wheel)"), [this] { view_->zoomBy(0.8); }));
    bar->addWidget(modeBox_);
    bar->addWidget(button(tr("Export..."), tr("Save the circuit as SVG or PDF"), &CircuitView::exportWithDialog));
    bar->addWidget(status_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(legend_);
    layout->addWidget(view_, 1);
    status_->setText(tr("No circuit yet"));
}

CircuitView::~CircuitView() = default;

void CircuitView::setCellLibrary(const CellLibrary& library)
{
    library_ = std::make_shared<const CellLibrary>(library);
    if (report_)
        setReport(report_);
}

bool CircuitView::layoutMatches(const CircuitReport& report) const
{
    return layout_ && layoutInputs_ == report.spec.inputs && layoutTopology_ == report.spec.topology
        && layoutSource_ == report.source && layout_->cells.size() == report.netlist.cells.size();
}

void CircuitView::setStale(bool stale)
{
    if (stale == property("stale").toBool())
        return;
    setProperty("stale", stale);
    view_->setEnabled(!stale); // greyed, and no click on a cell of another circuit
    if (stale)
        status_->setText(tr("Updating… (the circuit shown is the previous setting's)"));
    else if (report_)
        applyLooks(); // restores the status line
}

void CircuitView::setReport(std::shared_ptr<const CircuitReport> report)
{
    setStale(false);
    report_ = std::move(report);
    if (!report_)
        return;
    if (layoutMatches(*report_)) {
        applyLooks();
    } else {
        status_->setText(tr("Laying out %1 cells...").arg(report_->netlist.cells.size()));
        layoutRunner_.submit([report = report_] {
            QElapsedTimer timer;
            timer.start();
            // An imported netlist has no exact twin: its own cells are laid out.
            const Netlist& structure = report->source.empty() ? report->exact : report->netlist;
            auto layout = std::make_shared<const CircuitLayout>(layoutCircuit(structure));
            return LayoutResult{layout, report->spec.inputs, report->spec.topology, timer.nsecsElapsed() / 1e6,
                                report->source};
        });
    }
    // Contributions cost as much as the error analysis again: only the
    // error-contribution colours and the tooltips need them.
    if (mode_ == ColourMode::ErrorContribution)
        requestContributions();
    trace::mark("circuit recoloured");
}

void CircuitView::requestContributions()
{
    if (!report_ || contributions() || requestedContributions_ == report_)
        return;
    requestedContributions_ = report_;
    // The job shares the immutable report and a copy of the library pointer.
    contributionRunner_.submit([report = report_, library = library_] {
        ContributionOptions options;
        options.p = report->spec.p;
        return ContributionResult{report, cellContributions(report->netlist, *library, report->spec.approx, options)};
    });
}

void CircuitView::buildScene(const LayoutResult& result)
{
    QElapsedTimer timer;
    timer.start();
    layout_ = result.layout;
    layoutInputs_ = result.inputs;
    layoutTopology_ = result.topology;
    layoutSource_ = result.source;
    scene_->build(*layout_, kGroupThreshold);
    lookedReport_.reset();
    applyLooks();
    times_ = {result.ms, timer.nsecsElapsed() / 1e6};
    fit();
    Q_EMIT sceneReady();
}

const std::vector<CellContribution>* CircuitView::contributions() const
{
    return contributions_ && contributions_->report == report_ ? &contributions_->cells : nullptr;
}

namespace {

// Same number of cells and, cell for cell, the same kind (by type name).
bool sameCellKinds(const Netlist& a, const Netlist& b)
{
    if (a.cells.size() != b.cells.size())
        return false;
    std::vector<int> inB(a.types.size(), -1); // a's type index -> b's, by name
    for (size_t t = 0; t < a.types.size(); ++t)
        for (size_t u = 0; u < b.types.size(); ++u)
            if (a.types[t].name == b.types[u].name)
                inB[t] = static_cast<int>(u);
    for (size_t i = 0; i < a.cells.size(); ++i)
        if (inB[static_cast<size_t>(a.cells[i].type)] != static_cast<int>(b.cells[i].type))
            return false;
    return true;
}

} // namespace

void CircuitView::applyLooks()
{
    if (!report_ || !layoutMatches(*report_) || scene_->cellCount() != static_cast<int>(report_->netlist.cells.size()))
        return;
    const Netlist& net = report_->netlist;
    const auto* contrib = contributions();
    double maxMae = 0.0;
    if (contrib)
        for (const CellContribution& c : *contrib)
            maxMae = std::max(maxMae, c.meanAbsError);
    // Approximation colours depend only on the cells' kinds: when a change
    // altered no cell (the LSB slider on the chain), the scene stays as it is.
    const bool unchanged =
        mode_ == ColourMode::Approximation && lookedReport_ && sameCellKinds(lookedReport_->netlist, net);
    lookedReport_ = mode_ == ColourMode::Approximation ? report_ : nullptr;
    if (!unchanged) {
        std::vector<CellLook> looks(net.cells.size());
        std::vector<QString> labels; // one shared string per cell type
        for (const CellType& type : net.types)
            labels.push_back(QString::fromStdString(type.name));
        for (size_t i = 0; i < net.cells.size(); ++i) {
            const CellType& type = net.typeOf(net.cells[i]);
            CellLook& look = looks[i];
            look.label = labels[static_cast<size_t>(net.cells[i].type)];
            look.approximate = !type.isExact();
            if (mode_ == ColourMode::Approximation)
                look.fill = look.approximate ? CircuitPalette::approximate()
                    : type.hasCarry          ? CircuitPalette::exactAdder()
                                             : CircuitPalette::sumOnly();
            else if (!contrib)
                look.fill = CircuitPalette::unknown();
            else if (!(*contrib)[i].replaceable)
                look.fill = CircuitPalette::sumOnly();
            else
                look.fill = CircuitPalette::errorScale(CircuitPalette::logShare((*contrib)[i].meanAbsError, maxMae));
        }
        scene_->setLooks(looks);
    }
    legend_->setInfo(
        {mode_ == ColourMode::ErrorContribution, maxMae, QString::fromStdString(report_->spec.approx.faCell)});
    QString text = tr("N = %1, %2: %3 cells, %4 approximate")
                       .arg(report_->spec.inputs)
                       .arg(QString::fromStdString(topologyName(report_->spec.topology)))
                       .arg(net.cells.size())
                       .arg(net.approximateCellCount());
    if (mode_ == ColourMode::ErrorContribution && !contrib)
        text += tr(" (computing contributions...)");
    status_->setText(text);
}

void CircuitView::setColourMode(ColourMode mode)
{
    if (mode == mode_)
        return;
    mode_ = mode;
    modeBox_->setCurrentIndex(mode == ColourMode::ErrorContribution ? 1 : 0);
    if (mode_ == ColourMode::ErrorContribution)
        requestContributions();
    applyLooks();
}

QString CircuitView::cellToolTip(int cellId) const
{
    if (!report_ || cellId < 0 || cellId >= static_cast<int>(report_->netlist.cells.size()))
        return {};
    const CellInstance& cell = report_->netlist.cells[cellId];
    const CellType& type = report_->netlist.typeOf(cell);
    QString text = tr("<b>%1</b> (%2)<br>cell %3, column %4 (weight 2<sup>%4</sup>), level %5")
                       .arg(QString::fromStdString(type.name), type.isExact() ? tr("exact") : tr("approximate"))
                       .arg(cellId)
                       .arg(cell.column)
                       .arg(cell.level);
    const auto* contrib = contributions();
    if (!contrib)
        return text + tr("<br>error contribution: computing...");
    const CellContribution& c = (*contrib)[cellId];
    if (!c.replaceable)
        return text + tr("<br>no approximate replacement for this kind");
    const QString as = c.approximate ? tr("adds") : tr("would add as %1").arg(QString::fromStdString(c.alternative));
    return text
        + tr("<br>%1: error rate %2, mean error %3, E|error| %4 (count units)<br>click to make it %5")
              .arg(as)
              .arg(c.errorRate, 0, 'g', 3)
              .arg(c.meanError, 0, 'g', 3)
              .arg(c.meanAbsError, 0, 'g', 3)
              .arg(c.approximate ? tr("exact") : tr("approximate"));
}

void CircuitView::onCellClicked(int cellId)
{
    // Only cells that are approximate or have an approximate replacement can be toggled.
    if (!report_ || cellId < 0 || cellId >= static_cast<int>(report_->netlist.cells.size()))
        return;
    const CellType& type = report_->netlist.typeOf(report_->netlist.cells[cellId]);
    const ApproxConfig& approx = report_->spec.approx;
    const CellType* fa = library_->find(approx.faCell);
    const bool replaceable = !type.isExact() || (type.name == "fa" && fa != nullptr && !fa->isExact())
        || (type.name == "ha" && !approx.haCell.empty());
    if (replaceable)
        Q_EMIT cellToggled(cellId);
}

void CircuitView::fit()
{
    view_->fitAll();
}

bool CircuitView::exportTo(const QString& path, QString* error) const
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("svg") && suffix != QLatin1String("pdf"))
        return fail(tr("Cannot export to '%1': use a file name ending in .svg or .pdf").arg(path));
    if (scene_->cellCount() == 0 && !layout_)
        return fail(tr("There is no circuit to export yet"));
    const QRectF source = scene_->sceneRect();
    // Pages of at most 14000 units (PDF's limit is 14400 pt); far zoom shows groups.
    const double scale = std::min(1.0, 14000.0 / std::max(source.width(), source.height()));
    const double legendHeight = 40.0;
    const QSizeF size(std::max(source.width() * scale, 600.0), source.height() * scale + legendHeight);
    const QRectF target(0, legendHeight, source.width() * scale, source.height() * scale);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(tr("Cannot write '%1': %2").arg(path, file.errorString()));
    auto paint = [&](QPainter& painter) {
        paintLegend(painter, QRectF(0, 0, size.width(), legendHeight), legend_->info());
        scene_->render(&painter, target, source, Qt::KeepAspectRatio);
    };
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(size.toSize());
        generator.setViewBox(QRectF(QPointF(0, 0), size));
        generator.setTitle(tr("Popcount circuit"));
        QPainter painter;
        if (!painter.begin(&generator))
            return fail(tr("Cannot start the SVG writer for '%1'").arg(path));
        paint(painter);
        painter.end();
    } else {
        QPdfWriter writer(&file);
        writer.setResolution(72); // one scene unit per point
        writer.setPageSize(QPageSize(size, QPageSize::Point, QString(), QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setTitle(tr("Popcount circuit"));
        QPainter painter;
        if (!painter.begin(&writer))
            return fail(tr("Cannot start the PDF writer for '%1'").arg(path));
        paint(painter);
        painter.end();
    }
    if (!file.commit())
        return fail(tr("Cannot write '%1': %2").arg(path, file.errorString()));
    return true;
}

void CircuitView::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export circuit"), QStringLiteral("circuit.svg"),
                                                      tr("SVG image (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
}

} // namespace axbnn::gui
