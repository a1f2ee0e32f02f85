// The controls of the circuit being explored: inputs, topology, approximate
// cell, approximation knobs and input statistics. Writes only to the state.
#pragma once

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace axbnn::gui {

class ExplorationState;

class ControlsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ControlsPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    QWidget* buildInputsGroup();
    QWidget* buildCircuitGroup();
    QWidget* buildApproximationGroup();
    QWidget* buildStatisticsGroup();
    QWidget* buildMitigationGroup();
    void applyKernel();
    // Shows the state's values without feeding them back to it.
    void syncFromState();

    ExplorationState* state_;
    QSpinBox* inputs_ = nullptr;
    QSpinBox* kernelSize_ = nullptr;
    QSpinBox* channels_ = nullptr;
    QComboBox* topology_ = nullptr;
    QComboBox* cell_ = nullptr;
    QComboBox* haCell_ = nullptr;
    QLabel* kernelNote_ = nullptr; // how k x k x C relates to N
    QLabel* knobNote_ = nullptr; // a knob that selects nothing in this topology
    QLabel* stateNote_ = nullptr; // the state's last consistency note
    QSlider* lsb_ = nullptr;
    QLabel* lsbValue_ = nullptr;
    QSlider* levels_ = nullptr;
    QLabel* levelsValue_ = nullptr;
    QSpinBox* pairs_ = nullptr; // 0..N/2
    QSpinBox* compressorColumns_ = nullptr; // Wallace / Dadda only
    QComboBox* compressor_ = nullptr;
    QDoubleSpinBox* p_ = nullptr;
    QComboBox* statistic_ = nullptr;
    QComboBox* mitigation_ = nullptr;
    QLabel* overrides_ = nullptr;
    QLabel* importNote_ = nullptr; // shown while an imported netlist is explored
};

} // namespace axbnn::gui
