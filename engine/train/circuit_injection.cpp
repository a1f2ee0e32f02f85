// CircuitLayer: packs the activations and weights as the inference engine
// does, then evaluates 64 neurons per circuit lane, four images per task.
#include "train/circuit_injection.h"

#include "bnn/circuit_pass.h"
#include "bnn/packed_bits.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn::train {

namespace {

constexpr int kImagesPerTask = 4; // fixed: the values do not depend on the partition anyway

} // namespace

CircuitLayer::CircuitLayer(LayerPlan plan) : plan_(std::move(plan))
{
    if (!plan_.usesCircuit())
        throw std::invalid_argument("hardware-in-the-loop: layer " + std::to_string(plan_.index)
                                    + " has no popcount circuit");
    plan_.weightRows.clear(); // the XNOR kernels are not used here
    plan_.weightBitsT.clear();
}

void CircuitLayer::apply(const TrainLayer& l, const float* in, const float* wb, float* z, std::span<const int> images,
                         TaskPool& pool) const
{
    const int outputs = l.channels(), fanIn = l.fanIn;
    if (outputs != plan_.outputs || fanIn != plan_.fanIn || !(l.in == plan_.in))
        throw std::logic_error("hardware-in-the-loop: the circuit plan does not match trained layer " + l.name);
    LayerPlan plan = plan_; // the shared template stays untouched: callers may be concurrent
    std::vector<int8_t> signs(static_cast<size_t>(outputs) * fanIn);
    for (size_t i = 0; i < signs.size(); ++i)
        signs[i] = wb[i] >= 0.0f ? 1 : -1;
    plan.weightBitsT = transposeWeightBits(signs, outputs, fanIn);

    const bool conv = plan.kind == LayerKind::Conv;
    const int positions = conv ? l.conv.height * l.conv.width : 1;
    const size_t inSize = l.in.size(), patchWords = static_cast<size_t>(plan.patchWords);
    const size_t zPerImage = static_cast<size_t>(positions) * outputs;
    const int tasks = static_cast<int>((images.size() + kImagesPerTask - 1) / kImagesPerTask);
    pool.run(tasks, [&](int t, int) {
        const size_t first = static_cast<size_t>(t) * kImagesPerTask;
        const size_t n = std::min<size_t>(kImagesPerTask, images.size() - first);
        std::vector<uint64_t> patches(n * positions * patchWords);
        std::vector<int32_t> values(n * zPerImage);
        std::vector<int8_t> act(inSize);
        for (size_t i = 0; i < n; ++i) {
            const float* a = in + images[first + i] * inSize;
            for (size_t e = 0; e < inSize; ++e)
                act[e] = a[e] >= 0.0f ? 1 : -1;
            const PackedTensor packed = packSigns(act, l.in);
            uint64_t* dst = patches.data() + i * positions * patchWords;
            if (conv)
                gatherPatches(packed.words.data(), l.in, l.kernel, 1, l.padding, l.conv.height, l.conv.width, dst);
            else
                std::copy(packed.words.begin(), packed.words.end(), dst);
        }
        std::vector<CircuitTask> circuitTasks;
        circuitTasks.reserve(n * positions * plan.groups);
        for (int g = 0; g < plan.groups; ++g) // group-major: a run's lanes share the weights
            for (size_t i = 0; i < n; ++i)
                for (int pos = 0; pos < positions; ++pos) {
                    CircuitTask task;
                    task.patch = patches.data() + (i * positions + pos) * patchWords;
                    task.group = g;
                    task.values = values.data() + i * zPerImage + static_cast<size_t>(pos) * outputs + 64 * g;
                    circuitTasks.push_back(task);
                }
        CircuitRunner runner;
        runner.run(plan, circuitTasks);
        for (size_t i = 0; i < n; ++i) {
            float* dots = z + images[first + i] * zPerImage;
            const int32_t* v = values.data() + i * zPerImage;
            for (size_t e = 0; e < zPerImage; ++e)
                dots[e] = static_cast<float>(2 * v[e] - fanIn);
        }
    });
}

} // namespace axbnn::train
