// Open / close imported netlists from the File menu.
#include "panels/netlist_actions.h"

#include "state/exploration_state.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QWidget>

namespace axbnn::gui {
namespace {
const QString kDirKey = QStringLiteral("netlist/lastDir");
}

NetlistActions::NetlistActions(ExplorationState* state, QWidget* window)
    : QObject(window), state_(state), window_(window)
{
    open_ = new QAction(tr("Open &netlist…"), this);
    open_->setObjectName(QStringLiteral("openNetlistAction"));
    open_->setToolTip(tr("Explore a popcount circuit from gate-level Verilog or a Yosys JSON netlist"));
    connect(open_, &QAction::triggered, this, [this] {
        QSettings settings;
        const QString path = QFileDialog::getOpenFileName(
            window_, tr("Open netlist"), settings.value(kDirKey).toString(),
            tr("Netlists (*.v *.json);;Verilog (*.v);;Yosys JSON (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        settings.setValue(kDirKey, QFileInfo(path).absolutePath());
        openFile(path);
    });
    close_ = new QAction(tr("&Back to built circuit"), this);
    close_->setObjectName(QStringLiteral("closeNetlistAction"));
    close_->setEnabled(state_->hasImportedNetlist());
    connect(close_, &QAction::triggered, state_, &ExplorationState::closeNetlist);
    connect(state_, &ExplorationState::netlistChanged, this,
            [this](const QString& path) { close_->setEnabled(!path.isEmpty()); });
    connect(state_, &ExplorationState::netlistLoadFailed, this, &NetlistActions::showError);
}

void NetlistActions::openFile(const QString& path)
{
    state_->openNetlist(path);
}

void NetlistActions::showError(const QString& path, const QString& message)
{
    // Non-modal, so that the GUI (and a test) goes on; deleted when closed.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open netlist"),
                                tr("Could not import the netlist\n%1\nThe explored circuit is unchanged.").arg(path),
                                QMessageBox::Ok, window_);
    box->setObjectName(QStringLiteral("netlistLoadError"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
    Q_EMIT failed(path, message);
}

} // namespace axbnn::gui
