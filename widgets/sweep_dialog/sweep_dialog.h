// The "Sweep…" dialog (issue 6): composes a sweep spec from checkable lists
// and ranges (or opens a spec JSON), runs it in the background with the
// engine's sweep runner (progress, cancel, journal next to the output so
// that it resumes), shows the results table and the Pareto front, and saves
// the results as CSV or JSON (atomically).
#pragma once

#include "sweep_dialog/sweep_form.h"

#include "sweep/sweep_table.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace axbnn {
struct SweepSpec;
struct SweepOutcome;
} // namespace axbnn

namespace axbnn::gui {

class ExplorationState;
class SweepJob;
class SweepParetoPlot;
class SweepTableModel;

class SweepDialog : public QDialog {
    Q_OBJECT

public:
    // `state` (may be null) offers its loaded models as workloads.
    explicit SweepDialog(ExplorationState* state = nullptr, QWidget* parent = nullptr);
    ~SweepDialog() override;

    // The form's content; setChoices() fills the form (models are taken
    // as given, not from the state).
    SweepChoices choices() const;
    void setChoices(const SweepChoices& choices);
    // Uses a spec file instead of the form until clearSpecFile(). Returns
    // false (and shows the message) when it does not parse.
    bool loadSpecFile(const QString& path);
    void clearSpecFile();
    // Results file written when a sweep finishes; its journal is
    // `output + ".journal"`, so a cancelled sweep resumes. "": no file.
    void setOutputPath(const QString& path);
    QString outputPath() const;
    void setThreads(int threads) { threads_ = threads; }

    // Starts the sweep; false (with the message shown) if the spec is bad.
    bool run();
    void cancel();
    bool isRunning() const;
    // Writes the current results (pareto marked) as CSV or JSON by extension.
    bool saveResults(const QString& path);

    // Latest results, pareto marked with the chosen axes.
    const SweepTable& table() const;
    ParetoChoice paretoChoice() const;
    SweepTableModel* tableModel() const { return model_; }
    SweepParetoPlot* paretoPlot() const { return plot_; }
    QTableView* tableView() const { return view_; }
    QString lastError() const { return lastError_; }
    QString statusText() const;
    int lastResumed() const { return lastResumed_; }
    bool lastCancelled() const { return lastCancelled_; }

Q_SIGNALS:
    void sweepFinished(); // table() holds the rows (all, or the finished ones if cancelled)
    void sweepFailed(const QString& message);
    void progressed(int done, int total);

private:
    QWidget* buildForm();
    void onFinished(std::shared_ptr<const SweepOutcome> outcome);
    void showTable();
    void setRunning(bool running);
    void fail(const QString& message);
    void saveDialog();

    ExplorationState* state_;
    SweepJob* job_;
    SweepTableModel* model_;
    SweepParetoPlot* plot_;
    QTableView* view_;
    SweepTable raw_; // as the runner returned it
    QString specFile_;
    QString lastError_;
    int threads_ = 0;
    int lastResumed_ = 0;
    bool lastCancelled_ = false;
    std::shared_ptr<const SweepSpec> running_;

    QLineEdit* sizes_;
    QCheckBox* kernel3_;
    QCheckBox* kernel5_;
    QCheckBox* kernel7_;
    QSpinBox* channels_;
    QCheckBox* useModels_;
    QLabel* modelsLabel_;
    std::vector<std::string> explicitModels_;
    QListWidget* topologies_;
    QListWidget* cells_;
    QCheckBox* knobLsb_;
    QCheckBox* knobLevels_;
    QSpinBox* levelFrom_;
    QSpinBox* levelTo_;
    QListWidget* mitigations_;
    QDoubleSpinBox* p_;
    QLineEdit* dataset_;
    QSpinBox* limit_;
    QLabel* specLabel_;
    QPushButton* useForm_;
    QLineEdit* output_;
    QComboBox* cost_;
    QComboBox* quality_;
    QProgressBar* progress_;
    QLabel* status_;
    QPushButton* run_;
    QPushButton* cancel_;
    QPushButton* save_;
    QWidget* form_;
};

} // namespace axbnn::gui
