// Bias compensation from the error model at measured XNOR statistics.
#include "bnn/mitigation.h"

#include "analysis/error_analysis.h"
#include "bnn/inference.h"

#include <cmath>

namespace axbnn {

MitigationReport biasCompensation(const Model& model, InferenceConfig& config, const Dataset& calibration, int count)
{
    MitigationReport report;
    report.method = "bias";
    report.calibrationImages = count;
    InferenceConfig measure = config;
    measure.thresholdShift.clear();
    const InferenceEngine engine(model, measure);
    const InferenceResult run = engine.run(calibration, 0, count, true);
    config.thresholdShift.assign(model.layers.size(), 0);
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const PopcountUnit& unit = engine.unit(static_cast<int>(i));
        if (unit.isExact())
            continue;
        const LayerStats& stats = run.stats.layers[i];
        LayerMitigation m;
        m.layer = static_cast<int>(i);
        m.xnorOneFraction = stats.xnorOneFraction();
        ErrorOptions options;
        options.p = m.xnorOneFraction;
        for (const auto& chunk : unit.chunks())
            m.expectedError += analyzeErrors(*chunk.netlist, options).meanError;
        double sum = 0.0;
        uint64_t n = 0;
        for (size_t k = 0; k < stats.errorHistogram.size(); ++k) {
            sum += static_cast<double>(stats.errorHistogram[k]) * (static_cast<int>(k) + stats.errorOffset);
            n += stats.errorHistogram[k];
        }
        m.measuredError = n > 0 ? sum / static_cast<double>(n) : 0.0;
        m.shift = static_cast<int>(std::lround(m.expectedError));
        m.minShift = m.maxShift = m.shift;
        m.thresholdBits = unit.valueBits();
        config.thresholdShift[i] = m.shift;
        report.layers.push_back(m);
    }
    return report;
}

} // namespace axbnn
