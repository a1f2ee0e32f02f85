// The Accuracy dock: progress of the background accuracy computation (quick
// subset, then every test image) and of the level sweep, with cancel.
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace axbnn::gui {

class ExplorationState;

class AccuracyPanel : public QWidget {
    Q_OBJECT

public:
    explicit AccuracyPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    void showAccuracy();
    void updateCancel();

    ExplorationState* state_;
    QLabel* status_ = nullptr;
    QProgressBar* accuracyProgress_ = nullptr;
    QLabel* sweepStatus_ = nullptr;
    QProgressBar* sweepProgress_ = nullptr;
    QPushButton* cancel_ = nullptr;
};

} // namespace axbnn::gui
