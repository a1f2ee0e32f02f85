// Model dock: file opening, recent files, drops, the layer table and its selection.
#include "panels/model_panel.h"

#include "panels/layer_table_model.h"
#include "state/exploration_state.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace axbnn::gui {

namespace {

const QString kRecentKey = QStringLiteral("recentModels");
constexpr int kMaxRecent = 8;
const QString kModelFilter = QStringLiteral("BNN models (*.h5 *.hdf5);;All files (*)");

QString localModelPath(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            return url.toLocalFile();
    return {};
}

} // namespace

ModelPanel::ModelPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);

    auto* buttons = new QHBoxLayout;
    auto* open = new QToolButton;
    open->setObjectName(QStringLiteral("openModelButton"));
    open->setText(tr("Open model…"));
    open->setToolTip(tr("Open an HDF5 BNN model (Ctrl+O); the arrow lists recent files. "
                        "You can also drop a model file here."));
    open->setPopupMode(QToolButton::MenuButtonPopup);
    recent_ = new QMenu(tr("Recent models"), this);
    recent_->setObjectName(QStringLiteral("recentModelsMenu"));
    open->setMenu(recent_);
    connect(open, &QToolButton::clicked, this, &ModelPanel::openModelDialog);
    buttons->addWidget(open);
    auto* compare = new QPushButton(tr("Comparison model…"));
    compare->setObjectName(QStringLiteral("openComparisonButton"));
    compare->setToolTip(tr("Open a second model (e.g. approximation-aware trained) whose accuracy "
                           "the accuracy plot shows beside the main model's"));
    connect(compare, &QPushButton::clicked, this, &ModelPanel::openComparisonDialog);
    buttons->addWidget(compare);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    path_ = new QLabel(tr("No model loaded: exploring the circuit alone."));
    path_->setObjectName(QStringLiteral("modelPathLabel"));
    path_->setWordWrap(true);
    path_->setToolTip(tr("The main model: accuracy and the layer table refer to it"));
    layout->addWidget(path_);
    comparison_ = new QLabel;
    comparison_->setObjectName(QStringLiteral("comparisonPathLabel"));
    comparison_->setWordWrap(true);
    comparison_->setToolTip(tr("The comparison model shown in the accuracy plot"));
    comparison_->setVisible(false);
    layout->addWidget(comparison_);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("modelStatusLabel"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    table_ = new LayerTableModel(this);
    view_ = new QTableView;
    view_->setObjectName(QStringLiteral("layerTable"));
    view_->setModel(table_);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view_->setToolTip(tr("Choose a conv or dense layer to explore its popcount: N becomes its "
                         "fan-in"));
    layout->addWidget(view_, 1);
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (current.isValid())
            state_->selectLayer(current.row());
    });

    connect(state_, &ExplorationState::modelChanged, this, [this](ModelSlot slot) {
        if (slot == ModelSlot::Main && state_->model()) {
            addRecentFile(QString::fromStdString(state_->model()->path));
            rebuildRecentMenu();
        }
        showModel();
    });
    connect(state_, &ExplorationState::layerCostsChanged, table_, &LayerTableModel::setCosts);
    // Costs of other knobs stay readable but grey until the new ones arrive.
    const auto markCosts = [this] {
        const bool stale = state_->layerCosts() && !state_->layerCostsAreCurrent();
        view_->setProperty("stale", stale);
        view_->setStyleSheet(stale ? QStringLiteral("QTableView { color: gray; }") : QString());
    };
    connect(state_, &ExplorationState::layerCostsChanged, this, markCosts);
    connect(state_, &ExplorationState::changed, this, markCosts);
    connect(state_, &ExplorationState::changed, this, &ModelPanel::syncSelection);
    connect(state_, &ExplorationState::modelLoadFailed, this, &ModelPanel::showFailure);
    connect(state_->models(), &ModelEvaluator::loadingChanged, this,
            [this](bool loading, ModelSlot) { status_->setText(loading ? tr("loading…") : QString()); });
    rebuildRecentMenu();
    showModel();
}

QStringList ModelPanel::recentFiles()
{
    return QSettings().value(kRecentKey).toStringList();
}

void ModelPanel::addRecentFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecent)
        files.removeLast();
    QSettings().setValue(kRecentKey, files);
}

void ModelPanel::openModelDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open BNN model"), {}, kModelFilter);
    if (!path.isEmpty())
        state_->openModel(path, ModelSlot::Main);
}

void ModelPanel::openComparisonDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open comparison model"), {}, kModelFilter);
    if (!path.isEmpty())
        state_->openModel(path, ModelSlot::Comparison);
}

void ModelPanel::dragEnterEvent(QDragEnterEvent* event)
{
    if (!localModelPath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ModelPanel::dropEvent(QDropEvent* event)
{
    const QString path = localModelPath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    state_->openModel(path, ModelSlot::Main);
}

void ModelPanel::showModel()
{
    const auto model = state_->model();
    if (model) {
        const QString path = QString::fromStdString(model->path);
        const Model& m = model->model;
        QString text = tr("<b>%1</b><br>%2 layers, %3 classes")
                           .arg(QFileInfo(path).fileName().toHtmlEscaped())
                           .arg(m.layers.size())
                           .arg(m.classes());
        if (m.meta.accuracyAtSave >= 0.0)
            text += tr(", accuracy at save %1%").arg(100.0 * m.meta.accuracyAtSave, 0, 'f', 2);
        if (model->statsImages > 0)
            text += tr("<br>XNOR statistics from %1 test images").arg(model->statsImages);
        path_->setText(text);
        path_->setToolTip(path);
    } else {
        path_->setText(tr("No model loaded: exploring the circuit alone."));
    }
    table_->setModel(model);
    table_->setCosts(state_->layerCosts());
    const auto comparison = state_->comparisonModel();
    comparison_->setVisible(comparison != nullptr);
    if (comparison)
        comparison_->setText(tr("Comparison: %1").arg(QFileInfo(QString::fromStdString(comparison->path)).fileName()));
    syncSelection();
}

void ModelPanel::showFailure(const QString& path, const QString& message)
{
    status_->setText(tr("could not load %1").arg(QFileInfo(path).fileName()));
    // Non-modal, so that the GUI (and a test) goes on; deleted when closed.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open model"),
                                tr("Could not load the model file\n%1").arg(path), QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("modelLoadError"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
    Q_EMIT loadFailed(path, message);
}

void ModelPanel::rebuildRecentMenu()
{
    recent_->clear();
    for (const QString& file : recentFiles()) {
        QAction* action = recent_->addAction(QFileInfo(file).fileName(), this,
                                             [this, file] { state_->openModel(file, ModelSlot::Main); });
        action->setToolTip(file);
    }
    recent_->setEnabled(!recent_->isEmpty());
}

void ModelPanel::syncSelection()
{
    const int layer = state_->selectedLayer();
    const QSignalBlocker block(view_->selectionModel());
    if (layer < 0 || layer >= table_->rowCount())
        view_->selectionModel()->clearSelection();
    else
        view_->selectionModel()->setCurrentIndex(table_->index(layer, 0),
                                                 QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

} // namespace axbnn::gui
