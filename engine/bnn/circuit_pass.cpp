// Filling circuit inputs from patches and weights, running the lanes, and
// turning bit-sliced values into activations and per-neuron values.
#include "bnn/circuit_pass.h"

#include <algorithm>
#include <cstring>

namespace axbnn {

namespace {

constexpr int L = LaneFill::kLanes;
// Lanes are handled as L / 4 vectors of 4 words: 32-byte GCC vectors map onto
// one ymm register with AVX2 (a 64-byte vector would be split through memory).
constexpr int kHalves = L / 4;
typedef uint64_t V4 __attribute__((vector_size(32)));

// By reference: a vector passed by value would change ABI between the
// portable and the AVX2 instantiation.
[[gnu::always_inline]] inline void loadV(V4& v, const uint64_t* p)
{
    std::memcpy(&v, p, sizeof v);
}

[[gnu::always_inline]] inline void storeV(uint64_t* p, const V4& v)
{
    std::memcpy(p, &v, sizeof v);
}

// Input i of the chunk goes to slots[i * L + lane]: the XNOR of the lane's
// patch bit and its neurons' weight bits, patchBit ? W : ~W = W ^ (patchBit - 1).
[[gnu::always_inline]] inline void fillBody(const LaneFill& f, uint64_t* dst)
{
    const size_t g = static_cast<size_t>(f.groups);
    for (int e = f.begin; e < f.end;) {
        const int tap = e / f.channels, c = e % f.channels;
        const int word = tap * f.inWords + c / 64, b = c % 64;
        const int run = std::min({f.end - e, 64 - b, f.channels - c});
        switch (f.mode) {
        case LaneFill::Mode::SameGroup: {
            V4 p[kHalves];
            for (int h = 0; h < kHalves; ++h) {
                const uint64_t* const* lane = f.patch + 4 * h;
                p[h] = V4{lane[0][word], lane[1][word], lane[2][word], lane[3][word]} >> b;
            }
            const uint64_t* w = f.weights[0] + e * g;
            for (int k = 0; k < run; ++k) {
                const uint64_t wk = w[k * g];
                for (int h = 0; h < kHalves; ++h) {
                    const V4 x = ((p[h] & 1) - 1) ^ wk;
                    storeV(dst + k * L + 4 * h, x);
                    p[h] >>= 1;
                }
            }
            break;
        }
        case LaneFill::Mode::SamePatchConsecutiveGroups: {
            uint64_t p = f.patch[0][word] >> b;
            const uint64_t* w = f.weights[0] + e * g;
            for (int k = 0; k < run; ++k, p >>= 1) {
                const uint64_t m = (p & 1) - 1;
                for (int h = 0; h < kHalves; ++h) {
                    V4 x;
                    loadV(x, w + k * g + 4 * h);
                    x ^= m;
                    storeV(dst + k * L + 4 * h, x);
                }
            }
            break;
        }
        case LaneFill::Mode::General:
            for (int k = 0; k < run; ++k)
                for (int t = 0; t < L; ++t)
                    dst[k * L + t] = f.weights[t][(e + k) * g] ^ (((f.patch[t][word] >> (b + k)) & 1) - 1);
            break;
        }
        dst += static_cast<size_t>(run) * L;
        e += run;
    }
}

void fillPortable(const LaneFill& f, uint64_t* dst)
{
    fillBody(f, dst);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2"))) void fillAvx2(const LaneFill& f, uint64_t* dst)
{
    fillBody(f, dst);
}
LaneFillFn selectFill()
{
    return detectedIsa() == Isa::Avx2 ? fillAvx2 : fillPortable;
}
#else
LaneFillFn selectFill()
{
    return fillPortable;
}
#endif

} // namespace

CircuitRunner::CircuitRunner() : fill_(selectFill()) {}

std::vector<uint64_t>& CircuitRunner::slotsFor(const LaneSimulator& sim)
{
    auto [it, added] = slots_.try_emplace(&sim);
    if (added)
        sim.prepare(it->second);
    return it->second;
}

void CircuitRunner::run(const LayerPlan& plan, std::span<const CircuitTask> tasks)
{
    for (size_t i = 0; i < tasks.size(); i += kLanes)
        runBatch(plan, tasks.subspan(i, std::min<size_t>(kLanes, tasks.size() - i)));
}

void CircuitRunner::runBatch(const LayerPlan& plan, std::span<const CircuitTask> batch)
{
    const int n = static_cast<int>(batch.size());
    LaneFill f;
    f.groups = plan.groups;
    f.channels = plan.in.channels;
    f.inWords = plan.inWords;
    bool sameGroup = true, samePatchConsecutive = n == kLanes;
    for (int t = 0; t < kLanes; ++t) {
        const CircuitTask& task = batch[t < n ? t : 0]; // spare lanes repeat lane 0
        f.patch[t] = task.patch;
        f.weights[t] = plan.weightBitsT.data() + task.group;
        sameGroup = sameGroup && task.group == batch[0].group;
        samePatchConsecutive = samePatchConsecutive && task.patch == batch[0].patch && task.group == batch[0].group + t;
    }
    f.mode = sameGroup         ? LaneFill::Mode::SameGroup
        : samePatchConsecutive ? LaneFill::Mode::SamePatchConsecutiveGroups
                               : LaneFill::Mode::General;

    const int bits = plan.unit.valueBits();
    values_.assign(static_cast<size_t>(bits) * kLanes, 0);
    const auto& chunks = plan.unit.chunks();
    for (const PopcountUnit::Chunk& chunk : chunks) {
        const LaneSimulator& sim = chunk.streamed ? *chunk.streamed : *chunk.lanes;
        std::vector<uint64_t>& slots = slotsFor(sim);
        if (sim.streamed()) { // each block of inputs just before the cells that read it
            sim.runStreamed(slots.data(), [&](int block, uint64_t* words) {
                f.begin = chunk.begin + block * LaneSimulator::kStreamBlock;
                f.end = std::min(f.begin + LaneSimulator::kStreamBlock, chunk.begin + chunk.width);
                fill_(f, words);
            });
        } else {
            f.begin = chunk.begin;
            f.end = chunk.begin + chunk.width;
            fill_(f, slots.data());
            sim.run(slots.data());
        }
        if (chunks.size() == 1) { // the circuit's output is the value
            for (int j = 0; j < sim.outputBits(); ++j)
                std::copy_n(sim.outputWords(slots.data(), j), kLanes, values_.data() + j * kLanes);
            break;
        }
        // values += this chunk's output, bit-sliced ripple-carry addition.
        uint64_t carry[kLanes] = {};
        for (int j = 0; j < bits; ++j) {
            const uint64_t* out = j < sim.outputBits() ? sim.outputWords(slots.data(), j) : nullptr;
            uint64_t* v = values_.data() + j * kLanes;
            for (int t = 0; t < kLanes; ++t) {
                const uint64_t a = v[t], b = out ? out[t] : 0, c = carry[t];
                v[t] = a ^ b ^ c;
                carry[t] = (a & b) | (c & (a | b));
            }
        }
    }

    for (int t = 0; t < n; ++t) {
        const CircuitTask& task = batch[t];
        if (task.activations)
            *task.activations = slicedActivation(values_.data() + t, kLanes, plan.slicedGroup(task.group), bits);
        if (task.values) {
            const int count = std::min(64, plan.outputs - 64 * task.group);
            for (int o = 0; o < count; ++o) {
                int32_t v = 0;
                for (int j = 0; j < bits; ++j)
                    v |= static_cast<int32_t>((values_[j * kLanes + t] >> o) & 1) << j;
                task.values[o] = v;
            }
        }
    }
}

} // namespace axbnn
