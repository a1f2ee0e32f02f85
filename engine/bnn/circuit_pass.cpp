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

// The XNOR operands of one fused item: operand k of lanes 4h..4h+3.
template <LaneFill::Mode M>
struct Operands {
    const LaneFill& f;
    const FusedInput& it;
    uint64_t mask[FirstLevelItem::kMaxInputs]; // SamePatchConsecutiveGroups: XNOR mask of each operand
    V4 run; // SameGroup, consecutive operands: the lanes' patch words, next operand's bit at bit 0

    [[gnu::always_inline]] Operands(const LaneFill& fill, const FusedInput& item, int inputs) : f(fill), it(item)
    {
        if constexpr (M == LaneFill::Mode::SamePatchConsecutiveGroups) {
            if (it.consecutive) {
                uint64_t p = f.patch[0][it.bit[0] / 64] >> (it.bit[0] % 64);
                for (int k = 0; k < inputs; ++k, p >>= 1)
                    mask[k] = (p & 1) - 1;
            } else {
                for (int k = 0; k < inputs; ++k)
                    mask[k] = ((f.patch[0][it.bit[k] / 64] >> (it.bit[k] % 64)) & 1) - 1;
            }
        }
    }

    [[gnu::always_inline]] void get(int k, int h, V4& x)
    {
        const uint32_t bit = it.bit[k];
        if constexpr (M == LaneFill::Mode::SameGroup) {
            const uint64_t w = f.weights[0][it.weightAt[k]];
            if (it.consecutive) { // operands 0, 1, ... are consecutive bits of one patch word
                if (k == 0) {
                    loadV(run, f.lanePatch + (bit / 64) * L + 4 * h);
                    run >>= bit % 64;
                }
                x = ((run & 1) - 1) ^ w;
                run >>= 1;
                return;
            }
            V4 p;
            loadV(p, f.lanePatch + (bit / 64) * L + 4 * h);
            x = (((p >> (bit % 64)) & 1) - 1) ^ w;
        } else if constexpr (M == LaneFill::Mode::SamePatchConsecutiveGroups) {
            loadV(x, f.weights[0] + it.weightAt[k] + 4 * h);
            x ^= mask[k];
        } else {
            uint64_t t[4];
            for (int j = 0; j < 4; ++j)
                t[j] = f.weights[4 * h + j][it.weightAt[k]] ^ (((f.patch[4 * h + j][bit / 64] >> (bit % 64)) & 1) - 1);
            loadV(x, t);
        }
    }
};

[[gnu::always_inline]] inline void cell3(bool fullAdder, const V4& a, const V4& b, const V4& c, V4& sum, V4& carry)
{
    carry = (a & b) | (c & (a | b));
    sum = fullAdder ? a ^ b ^ c : ~carry;
}

// A first cell over operands k .. k + 2 of an item, lanes 4h..4h+3.
template <class Op>
[[gnu::always_inline]] inline void firstCell(Op& op, int k, bool fullAdder, int h, V4& sum, V4& carry)
{
    V4 a, b, c;
    op.get(k, h, a);
    op.get(k + 1, h, b);
    op.get(k + 2, h, c);
    cell3(fullAdder, a, b, c, sum, carry);
}

// Three tree levels over operands base .. base + 11 of an item (Tree3 in
// circuit/first_level.h; fullMask bits from mask's bit 0).
template <class Op>
[[gnu::always_inline]] inline void tree3(Op& op, int base, unsigned mask, int h, V4& r0, V4& r1, V4& r2, V4& r3)
{
    V4 s0, s1, s2, s3, k0, k1, k2, k3;
    firstCell(op, base, mask & 1, h, s0, k0);
    firstCell(op, base + 3, (mask >> 1) & 1, h, s1, k1);
    firstCell(op, base + 6, (mask >> 2) & 1, h, s2, k2);
    firstCell(op, base + 9, (mask >> 3) & 1, h, s3, k3);
    // Two 2-bit adders (a0 a1 + b0 b1: half adder, then a 3-input cell).
    V4 a1, a2, b1, b2, carry;
    const V4 a0 = s0 ^ s1, b0 = s2 ^ s3;
    cell3((mask >> 4) & 1, k0, k1, s0 & s1, a1, a2);
    cell3((mask >> 5) & 1, k2, k3, s2 & s3, b1, b2);
    // One 3-bit adder of those.
    r0 = a0 ^ b0;
    cell3((mask >> 6) & 1, a1, b1, a0 & b0, r1, carry);
    cell3((mask >> 7) & 1, a2, b2, carry, r2, r3);
}

// The fused first levels: each item evaluated on its XNOR operands in
// registers, half a run's lanes at a time; only its outputs are stored.
template <LaneFill::Mode M>
[[gnu::always_inline]] inline void fusedBody(const LaneFill& f, const FusedInput* items, size_t count, uint32_t lo,
                                             uint32_t hi, uint64_t* dst)
{
    using Kind = FirstLevelItem::Kind;
    // The first item with an output at or after lo (it may start before lo).
    size_t i = static_cast<size_t>(
        std::lower_bound(items, items + count, lo, [](const FusedInput& x, uint32_t v) { return x.out < v; }) - items);
    while (i > 0 && items[i - 1].out + FirstLevelItem::kMaxOutputs - 1 >= lo)
        --i;
    for (; i < count && items[i].out < hi; ++i) {
        const FusedInput& it = items[i];
        Operands<M> op(f, it, FirstLevelItem::inputsOf(it.kind));
        const bool whole = it.out >= lo && it.out + FirstLevelItem::kMaxOutputs <= hi; // every output in range
        uint64_t* const base = dst + (static_cast<int64_t>(it.out) - static_cast<int64_t>(lo)) * L;
        for (int h = 0; h < kHalves; ++h) {
            // Output j of this item (values by reference: no indexed array, which
            // would go through the stack).
            const auto put = [&](uint32_t j, const V4& v) {
                if (whole || (it.out + j >= lo && it.out + j < hi))
                    storeV(base + j * L + 4 * h, v);
            };
            switch (it.kind) {
            case Kind::Copy: {
                V4 a;
                op.get(0, h, a);
                put(0, a);
                break;
            }
            case Kind::FullAdder:
            case Kind::MajFa: {
                V4 a, b, c, sum, carry;
                op.get(0, h, a);
                op.get(1, h, b);
                op.get(2, h, c);
                cell3(it.kind == Kind::FullAdder, a, b, c, sum, carry);
                put(0, sum);
                put(1, carry);
                break;
            }
            case Kind::Tree3: {
                V4 r0, r1, r2, r3;
                tree3(op, 0, it.fullMask, h, r0, r1, r2, r3);
                put(0, r0);
                put(1, r1);
                put(2, r2);
                put(3, r3);
                break;
            }
            case Kind::Tree4: {
                V4 a0, a1, a2, a3, b0, b1, b2, b3, r1, r2, r3;
                tree3(op, 0, it.fullMask, h, a0, a1, a2, a3);
                tree3(op, FirstLevelItem::kTree3Inputs, it.fullMask >> FirstLevelItem::kTree3Cells, h, b0, b1, b2, b3);
                // One 4-bit adder of those: a half adder, then three 3-input cells.
                put(0, a0 ^ b0);
                const unsigned mask = it.fullMask >> (2 * FirstLevelItem::kTree3Cells);
                V4 c1, c2, c3;
                cell3(mask & 1, a1, b1, a0 & b0, r1, c1);
                put(1, r1);
                cell3((mask >> 1) & 1, a2, b2, c1, r2, c2);
                put(2, r2);
                cell3((mask >> 2) & 1, a3, b3, c2, r3, c3);
                put(3, r3);
                put(4, c3);
                break;
            }
            }
        }
    }
}

[[gnu::always_inline]] inline void fusedFillBody(const LaneFill& f, const FusedInput* items, size_t count, uint32_t lo,
                                                 uint32_t hi, uint64_t* dst)
{
    switch (f.mode) {
    case LaneFill::Mode::SameGroup: fusedBody<LaneFill::Mode::SameGroup>(f, items, count, lo, hi, dst); break;
    case LaneFill::Mode::SamePatchConsecutiveGroups:
        fusedBody<LaneFill::Mode::SamePatchConsecutiveGroups>(f, items, count, lo, hi, dst);
        break;
    case LaneFill::Mode::General: fusedBody<LaneFill::Mode::General>(f, items, count, lo, hi, dst); break;
    }
}

void fillPortable(const LaneFill& f, uint64_t* dst)
{
    fillBody(f, dst);
}

void fusedFillPortable(const LaneFill& f, const FusedInput* items, size_t count, uint32_t lo, uint32_t hi,
                       uint64_t* dst)
{
    fusedFillBody(f, items, count, lo, hi, dst);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2"))) void fillAvx2(const LaneFill& f, uint64_t* dst)
{
    fillBody(f, dst);
}
__attribute__((target("avx2"))) void fusedFillAvx2(const LaneFill& f, const FusedInput* items, size_t count,
                                                   uint32_t lo, uint32_t hi, uint64_t* dst)
{
    fusedFillBody(f, items, count, lo, hi, dst);
}
LaneFillFn selectFill()
{
    return detectedIsa() == Isa::Avx2 ? fillAvx2 : fillPortable;
}
FusedFillFn selectFusedFill()
{
    return detectedIsa() == Isa::Avx2 ? fusedFillAvx2 : fusedFillPortable;
}
#else
LaneFillFn selectFill()
{
    return fillPortable;
}
FusedFillFn selectFusedFill()
{
    return fusedFillPortable;
}
#endif

} // namespace

CircuitRunner::CircuitRunner() : fill_(selectFill()), fusedFill_(selectFusedFill()) {}

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
    for (size_t ci = 0; ci < chunks.size(); ++ci) {
        const PopcountUnit::Chunk& chunk = chunks[ci];
        const bool fused = chunk.firstLanes != nullptr;
        const LaneSimulator& sim = fused ? *chunk.firstLanes : chunk.streamed ? *chunk.streamed : *chunk.lanes;
        std::vector<uint64_t>& slots = slotsFor(sim);
        if (fused) {
            if (f.mode == LaneFill::Mode::SameGroup && !f.lanePatch) {
                lanePatch_.resize(static_cast<size_t>(plan.patchWords) * kLanes);
                for (int w = 0; w < plan.patchWords; ++w)
                    for (int t = 0; t < kLanes; ++t)
                        lanePatch_[static_cast<size_t>(w) * kLanes + t] = f.patch[t][w];
                f.lanePatch = lanePatch_.data();
            }
            const std::vector<FusedInput>& items = plan.firstLevel[ci];
            const auto derived = static_cast<uint32_t>(sim.inputs());
            if (sim.streamed()) {
                sim.runStreamed(slots.data(), [&](int block, uint64_t* words) {
                    const auto lo = static_cast<uint32_t>(block * LaneSimulator::kStreamBlock);
                    fusedFill_(f, items.data(), items.size(), lo,
                               std::min<uint32_t>(lo + LaneSimulator::kStreamBlock, derived), words);
                });
            } else {
                fusedFill_(f, items.data(), items.size(), 0, derived, slots.data());
                sim.run(slots.data());
            }
        } else if (sim.streamed()) { // each block of inputs just before the cells that read it
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
