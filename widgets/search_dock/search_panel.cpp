// The Search dock: running, showing and loading (the form: search_panel_form.cpp).
#include "search_dock/search_panel.h"

#include "search_dock/search_front_plot.h"
#include "state/exploration_state.h"

#include "util/atomic_file.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace axbnn::gui {
namespace {

ReportSearchLayer costLayer(const std::string& name, const std::string& unit, const NetworkCost& c)
{
    return {name, unit, c.areaUm2, c.energyFj, c.delayPs};
}

} // namespace

SearchPanel::SearchPanel(ExplorationState* state, QWidget* parent)
    : QWidget(parent), state_(state), job_(new SearchJob(this)), plot_(new SearchFrontPlot), table_(new QTableWidget)
{
    setObjectName(QStringLiteral("searchPanel"));
    table_->setObjectName(QStringLiteral("searchFrontTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->setVisible(false);
    table_->setToolTip(tr("The proxy front, cheapest first; double-click a row to load its design"));
    plot_->setToolTip(tr("Click a point of the front to load its per-layer design into the workbench"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildForm());
    layout->addWidget(plot_, 3);
    layout->addWidget(table_, 2);

    connect(job_, &SearchJob::frontChanged, this, [this](auto snapshot) { showSnapshot(std::move(snapshot)); });
    connect(job_, &SearchJob::finished, this, [this](auto snapshot) {
        showSnapshot(std::move(snapshot));
        Q_EMIT searchFinished();
    });
    connect(job_, &SearchJob::failed, this, [this](const QString& message) {
        fail(message);
        Q_EMIT searchFailed(message);
    });
    connect(job_, &SearchJob::progress, this, [this](int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    connect(job_, &SearchJob::runningChanged, this, &SearchPanel::setRunning);
    connect(plot_, &SearchFrontPlot::pointClicked, this, [this](int index) { loadPoint(index); });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { loadPoint(row); });
    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(cancel_, &QPushButton::clicked, this, &SearchPanel::cancel);
    connect(knobs_, &QPushButton::clicked, this, [this] {
        state_->clearLayerUnits();
        loaded_ = -1;
        plot_->setLoaded(-1);
    });
    connect(exportDesign_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export design"), QStringLiteral("design.json"),
                                                          tr("Layer config (*.json)"));
        if (!path.isEmpty())
            exportDesign(path);
    });
    connect(exportFront_, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export front"), QStringLiteral("front.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty())
            exportFront(path);
    });
    // Another model: the front is of the old one (its designs cannot be loaded).
    connect(state_, &ExplorationState::modelChanged, this, [this] { setRunning(isRunning()); });
    setRunning(false);
}

SearchPanel::~SearchPanel() = default;

bool SearchPanel::start()
{
    const auto model = state_->model();
    if (!model) {
        fail(tr("Open a model first: the search finds a per-layer design for it."));
        return false;
    }
    lastError_.clear();
    SearchCommand c = command();
    SearchRequest request;
    request.command = c;
    request.model = model;
    request.test = state_->models()->testSet();
    request.calibration = state_->models()->calibrationSet();
    request.library = state_->sharedLibrary();
    const std::vector<const void*> key{model.get(), request.test.get(), request.calibration.get()};
    if (!cache_ || key != cacheFor_) {
        cache_ = std::make_shared<EvaluationCache>();
        cacheFor_ = key;
    }
    running_ = c;
    searched_ = model;
    snapshot_.reset();
    loaded_ = -1;
    showSnapshot(nullptr);
    progress_->setRange(0, c.evaluations);
    progress_->setValue(0);
    status_->setText(tr("Searching…"));
    job_->start(std::move(request), cache_);
    return true;
}

void SearchPanel::cancel()
{
    job_->cancel();
}

bool SearchPanel::isRunning() const
{
    return job_->isRunning();
}

void SearchPanel::setRunning(bool running)
{
    start_->setEnabled(!running);
    cancel_->setEnabled(running);
    const bool front = snapshot_ && !snapshot_->front.empty();
    exportDesign_->setEnabled(front && (loaded_ >= 0 || snapshot_->chosen >= 0));
    exportFront_->setEnabled(snapshot_ && snapshot_->final && !running);
    knobs_->setEnabled(state_->hasLayerUnits());
}

void SearchPanel::fail(const QString& message)
{
    lastError_ = message;
    status_->setText(message);
}

QString SearchPanel::statusText() const
{
    return status_->text();
}

void SearchPanel::showSnapshot(std::shared_ptr<const SearchSnapshot> snapshot)
{
    snapshot_ = std::move(snapshot);
    table_->clear();
    if (!snapshot_) {
        table_->setRowCount(0);
        plot_->setSnapshot({}, parseObjective(running_.objective), running_.budget);
        return;
    }
    const SearchSnapshot& s = *snapshot_;
    const Objective objective = parseObjective(running_.objective);
    plot_->setSnapshot(s, objective, running_.budget);
    plot_->setLoaded(loaded_);
    QStringList headers{tr("#"), QString::fromUtf8(objectiveInfo(objective).column), tr("proxy (%)"), tr("test (%)"),
                        tr("mitigation")};
    if (!s.front.empty())
        for (const auto& l : s.front.front().layers)
            headers << QString::fromStdString(l.name);
    table_->setColumnCount(static_cast<int>(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(static_cast<int>(s.front.size()));
    for (int r = 0; r < static_cast<int>(s.front.size()); ++r) {
        const SearchFrontPoint& p = s.front[static_cast<size_t>(r)];
        QStringList cells{QString::number(p.order), QString::number(p.cost.of(objective), 'g', 6),
                          QString::number(100.0 * p.proxy.accuracy(), 'f', 2),
                          p.test ? QString::number(100.0 * p.test->accuracy(), 'f', 2) : QString(),
                          QString::fromUtf8(mitigationName(p.mitigation))};
        for (const auto& l : p.layers)
            cells << QString::fromStdString(l.text);
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (r == s.chosen)
                item->setBackground(QColor(220, 245, 220));
            table_->setItem(r, c, item);
        }
    }
    table_->resizeColumnsToContents();
    QString text = tr("%1 of %2 evaluations, %3 s, front %4")
                       .arg(s.evaluations)
                       .arg(s.limit)
                       .arg(s.seconds, 0, 'f', 1)
                       .arg(s.front.size());
    if (s.final) {
        if (s.stop == SearchStop::Cancelled)
            text += tr(": cancelled (not verified)");
        else if (s.chosen >= 0)
            text += tr(": chosen #%1, test accuracy %2 % (exact %3 %)")
                        .arg(s.front[static_cast<size_t>(s.chosen)].order)
                        .arg(100.0 * s.front[static_cast<size_t>(s.chosen)].test->accuracy(), 0, 'f', 2)
                        .arg(100.0 * s.exactTest.accuracy(), 0, 'f', 2);
        else
            text += tr(": no verified design met the budget on the test set");
        if (s.stop == SearchStop::TimeLimit)
            text += tr(" (stopped by the time limit)");
    }
    status_->setText(text);
    setRunning(isRunning());
    Q_EMIT frontChanged();
}

bool SearchPanel::loadPoint(int index)
{
    if (!snapshot_ || index < 0 || index >= static_cast<int>(snapshot_->front.size()))
        return false;
    const auto model = state_->model();
    if (!model || model != searched_) {
        fail(tr("The front is of another model: run the search again to load its designs."));
        return false;
    }
    const SearchFrontPoint& p = snapshot_->front[static_cast<size_t>(index)];
    // As `axbnn eval --config` reads the written design: searched layers
    // their units, every other Conv and Dense layer exact.
    std::map<int, UnitDesign> units;
    for (size_t i = 0; i < model->model.layers.size(); ++i)
        if (isApproximable(model->model.layers[i]))
            units[static_cast<int>(i)].circuit = false;
    for (const auto& l : p.layers)
        units[l.layer] = l.unit;
    Design d = state_->design();
    d.layers = units;
    d.mitigation = p.mitigation;
    d.unit.netlist.clear();
    const auto shows = [&](int layer) {
        return layer >= 0 && units.count(layer) && isApproximable(model->model.layers[static_cast<size_t>(layer)]);
    };
    if (!shows(d.selectedLayer))
        for (const auto& l : p.layers)
            if (shows(l.layer)) {
                d.selectedLayer = l.layer;
                break;
            }
    if (d.selectedLayer >= 0) // the explored circuit is that layer's unit (setDesign loads it)
        d.inputs = model->model.layers[static_cast<size_t>(d.selectedLayer)].fanIn();
    state_->setDesign(d);
    state_->setSearchReport(std::make_shared<const ReportSearch>(reportSection(p)));
    loaded_ = index;
    plot_->setLoaded(index);
    setRunning(isRunning());
    status_->setText(tr("Loaded #%1 into the workbench").arg(p.order));
    Q_EMIT designLoaded(index);
    return true;
}

ReportSearch SearchPanel::reportSection(const SearchFrontPoint& p) const
{
    ReportSearch r;
    r.objective = running_.objective;
    r.budgetPoints = running_.budget;
    r.mitigation = mitigationName(p.mitigation);
    for (const auto& l : p.layers)
        r.layers.push_back(costLayer(l.name, l.text, l.cost));
    r.total = costLayer("total", "", p.cost);
    r.exact = costLayer("exact", "exact adder trees", snapshot_->exactCost);
    r.proxyAccuracy = p.proxy.accuracy();
    r.exactProxyAccuracy = snapshot_->exactProxy;
    r.proxyImages = p.proxy.images;
    if (p.test) {
        r.testAccuracy = p.test->accuracy();
        r.exactTestAccuracy = snapshot_->exactTest.accuracy();
        r.testImages = p.test->images;
    }
    SearchCommand c = running_;
    c.out = designPath_.isEmpty() ? std::string("design.json") : designPath_.toStdString();
    r.searchCommand = searchCommandLine(c);
    r.evalCommand = searchEvalCommandLine(c, p.mitigation);
    return r;
}

bool SearchPanel::exportDesign(const QString& path, int index)
{
    if (index < 0)
        index = loaded_ >= 0 ? loaded_ : (snapshot_ ? snapshot_->chosen : -1);
    if (!snapshot_ || index < 0 || index >= static_cast<int>(snapshot_->front.size())) {
        fail(tr("No design to export: load a point of the front first."));
        return false;
    }
    try {
        writeFileAtomically(path.toStdString(), snapshot_->front[static_cast<size_t>(index)].layerConfig);
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    designPath_ = path;
    if (index == loaded_ && state_->searchReport()) // the report's eval command names the written file
        state_->setSearchReport(
            std::make_shared<const ReportSearch>(reportSection(snapshot_->front[static_cast<size_t>(index)])));
    status_->setText(tr("Wrote %1").arg(path));
    return true;
}

bool SearchPanel::exportFront(const QString& path)
{
    if (!snapshot_ || !snapshot_->final) {
        fail(tr("No front to export: the search has not ended."));
        return false;
    }
    try {
        writeFileAtomically(path.toStdString(), snapshot_->frontCsv);
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    status_->setText(tr("Wrote %1").arg(path));
    return true;
}

} // namespace axbnn::gui
