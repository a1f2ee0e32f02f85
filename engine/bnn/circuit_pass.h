// Bit-exact approximate popcounts for many neurons at once (docs/inference.md):
// a group of 64 neurons that share an input patch but differ in weights is one
// 64-bit lane word; circuit input i of the group is patchBit_i ? Wt[i] : ~Wt[i]
// (Wt[i] = the group's weight bits at fan-in element i), so one run of the
// LaneSimulator evaluates 8 such groups (512 neurons) gate by gate.
#pragma once

#include "bnn/layer_plan.h"

#include <span>
#include <unordered_map>
#include <vector>

namespace axbnn {

struct CircuitTask {
    const uint64_t* patch = nullptr; // the group's packed input patch (LayerPlan::patchWords)
    int group = 0; // neurons 64 * group ... of one output position
    uint64_t* activations = nullptr; // receives the 64 activation bits (lanes >= outputs: 0), if set
    int32_t* values = nullptr; // receives the circuit value of each neuron of the group, if set
};

// Lane fill: where one run's inputs come from (an internal kernel interface).
struct LaneFill {
    static constexpr int kLanes = LaneSimulator::kWords;
    enum class Mode { SameGroup, SamePatchConsecutiveGroups, General };
    Mode mode = Mode::General;
    const uint64_t* patch[kLanes] = {};
    const uint64_t* weights[kLanes] = {}; // weightBitsT + group, element stride `groups`
    int groups = 1, channels = 1, inWords = 1;
    int begin = 0, end = 0; // the chunk's fan-in elements
    // SameGroup with a fused first level: word w of lane t's patch at lanePatch[w * kLanes + t].
    const uint64_t* lanePatch = nullptr;
};
using LaneFillFn = void (*)(const LaneFill& fill, uint64_t* inputSlots);
// Derived inputs [lo, hi) of a fused first level (LayerPlan::firstLevel),
// input d at inputSlots[(d - lo) * kLanes ...].
using FusedFillFn = void (*)(const LaneFill& fill, const FusedInput* items, size_t count, uint32_t lo, uint32_t hi,
                             uint64_t* inputSlots);

// Scratch for one thread: a slot buffer per circuit, the summed values.
class CircuitRunner {
public:
    static constexpr int kLanes = LaneFill::kLanes;

    CircuitRunner();
    // Evaluates the tasks in runs of kLanes; results go where the tasks say.
    void run(const LayerPlan& plan, std::span<const CircuitTask> tasks);

private:
    void runBatch(const LayerPlan& plan, std::span<const CircuitTask> batch);
    std::vector<uint64_t>& slotsFor(const LaneSimulator& sim);

    LaneFillFn fill_ = nullptr;
    FusedFillFn fusedFill_ = nullptr;
    std::vector<uint64_t> lanePatch_; // LaneFill::lanePatch
    std::unordered_map<const LaneSimulator*, std::vector<uint64_t>> slots_;
    std::vector<uint64_t> values_; // bit-sliced values: bit j of lane word t at [j * kLanes + t]
};

} // namespace axbnn
