// "Train model…": runs the native trainer (engine/train) in the background
// with a progress bar, live loss and accuracy curves and Cancel, exactly or
// with the errors of the workbench's circuit or of an error-model file, and
// loads the trained model into the workbench (docs/training.md, GUI section).
#pragma once

#include "explore/training.h"
#include "state/progress_runner.h"

#include <QDialog>

#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace axbnn::gui {

class ExplorationState;
class TrainCurvePlot;

// What the training thread reports: the stage before the first batch, each
// progress report, and at last the outcome.
struct TrainUpdate {
    std::string stage;
    std::optional<train::TrainProgress> progress;
    std::optional<TrainOutcome> outcome;
};

class TrainDialog : public QDialog {
    Q_OBJECT

public:
    explicit TrainDialog(ExplorationState* state, QWidget* parent = nullptr);
    ~TrainDialog() override;

    // Training and test images (null: Fashion-MNIST's splits).
    void setDatasets(std::shared_ptr<const Dataset> train, std::shared_ptr<const Dataset> test);
    // The run the form describes.
    TrainRequest request() const;
    bool isRunning() const { return runner_.isBusy(); }
    // The last successful run's outcome, or null.
    const TrainOutcome* outcome() const { return outcome_ ? &*outcome_ : nullptr; }
    TrainCurvePlot* curves() const { return curves_; }

public Q_SLOTS:
    void start();
    void cancel();
    // Opens the trained model: as the main model, or as the comparison model
    // when a main model is loaded already.
    void loadResult();

Q_SIGNALS:
    void progressReported(int epoch, int batch);
    void trainingFinished(const QString& path);
    void trainingFailed(const QString& message);
    void trainingCancelled();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWidget* buildForm();
    void browseOutput();
    void browseErrorModel();
    void browseInit();
    // The LSB levels typed in the form (empty: none typed); sets `error`
    // when the text is not a list of column counts.
    std::vector<int> typedLevels(QString* error = nullptr) const;
    void updateEnabled();
    void updateCircuitText();
    void suggestOutput();
    void showProgress(const train::TrainProgress& p);
    void finish(const TrainOutcome& outcome);
    void fail(const QString& message);

    ExplorationState* state_;
    std::shared_ptr<const Dataset> trainData_, testData_;
    std::optional<TrainOutcome> outcome_;
    bool outputEdited_ = false;

    QComboBox* arch_ = nullptr;
    QComboBox* kernel_ = nullptr;
    QSpinBox* channels_ = nullptr;
    QSpinBox* hidden_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* limit_ = nullptr;
    QSpinBox* testLimit_ = nullptr;
    QComboBox* errors_ = nullptr;
    QLabel* circuit_ = nullptr;
    QLineEdit* errorFile_ = nullptr;
    QToolButton* errorBrowse_ = nullptr;
    QLineEdit* levels_ = nullptr;
    QCheckBox* hardwareInTheLoop_ = nullptr;
    QLineEdit* init_ = nullptr;
    QToolButton* initBrowse_ = nullptr;
    QLineEdit* output_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* error_ = nullptr;
    TrainCurvePlot* curves_ = nullptr;
    QPushButton* train_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* load_ = nullptr;
    QWidget* form_ = nullptr;

    ProgressRunner<TrainUpdate> runner_;
};

} // namespace axbnn::gui
