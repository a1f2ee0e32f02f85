// The Model dock: opens HDF5 models (file dialog, recent files, drag and
// drop), shows the layer table and selects the layer whose popcount is
// explored. Load errors appear in a non-modal message box.
#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QMenu;
class QMessageBox;
class QTableView;
class QToolButton;

namespace axbnn::gui {

class ExplorationState;
class LayerTableModel;

class ModelPanel : public QWidget {
    Q_OBJECT

public:
    explicit ModelPanel(ExplorationState* state, QWidget* parent = nullptr);

    // Recently opened model files, newest first (QSettings "recentModels").
    static QStringList recentFiles();
    static void addRecentFile(const QString& path);
    // A menu of the recent files that opens the chosen one (kept up to date).
    QMenu* recentMenu() const { return recent_; }

public Q_SLOTS:
    void openModelDialog();
    void openComparisonDialog();

Q_SIGNALS:
    // A model file could not be loaded; the message is also shown in a box.
    void loadFailed(const QString& path, const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void showModel();
    void showFailure(const QString& path, const QString& message);
    void rebuildRecentMenu();
    void syncSelection();

    ExplorationState* state_;
    LayerTableModel* table_ = nullptr;
    QTableView* view_ = nullptr;
    QLabel* path_ = nullptr;
    QLabel* comparison_ = nullptr;
    QLabel* status_ = nullptr;
    QMenu* recent_ = nullptr;
};

} // namespace axbnn::gui
