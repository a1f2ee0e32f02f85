// A netlist compiled for the inference engine's bit-sliced popcounts: every
// signal carries kWords 64-bit words (512 lanes), a carry read only by the
// next cell stays in registers, and slots are reused after a signal's last
// reader, so the working set stays in cache. Same values as Simulator.
#pragma once

#include "circuit/cell_eval.h"
#include "circuit/netlist.h"

#include <cstdint>
#include <vector>

namespace axbnn {

class LaneSimulator {
public:
    static constexpr int kWords = 8;

    static constexpr int kStreamBlock = 64;
    static constexpr int kRingBlocks = 4;

    explicit LaneSimulator(const Netlist& netlist, Isa isa = detectedIsa());
    // A streamed simulator if the netlist allows it (streamed() says whether
    // it does); otherwise the same as the plain constructor.
    static LaneSimulator streamedIfPossible(const Netlist& netlist, Isa isa = detectedIsa());

    int inputs() const { return inputs_; }
    int outputBits() const { return static_cast<int>(outputOffsets_.size()); }
    int cellCount() const { return static_cast<int>(ops_.size()); }
    // Slots after reuse (inputs and the two constants included).
    int slotCount() const { return static_cast<int>(slotCount_); }

    // Sizes a slot buffer and writes the constant signals; once per buffer.
    void prepare(std::vector<uint64_t>& words) const;
    // Input i's kWords words, to be written before every run(): signals 0..inputs-1.
    // Not for streamed simulators.
    static uint64_t* inputWords(uint64_t* words, int i) { return words + static_cast<size_t>(i) * kWords; }
    // Evaluates every cell. Input signals may be overwritten (they are refilled
    // for the next run); the output words stay valid until then. Not for
    // streamed simulators.
    void run(uint64_t* words) const { eval_(ops_.data(), ops_.size(), words); }

    bool streamed() const { return !segments_.empty(); }
    // Streamed run: fill(block, words) writes inputs kStreamBlock * block ...
    // (at most kStreamBlock of them, fewer in the last block) to consecutive
    // slots starting at `words`, before the cells that read them.
    template <class Fill>
    void runStreamed(uint64_t* words, Fill&& fill) const
    {
        int filled = 0;
        uint32_t begin = 0;
        for (const Segment& s : segments_) {
            for (; filled < s.blocksBefore; ++filled)
                fill(filled, words + static_cast<size_t>(filled % kRingBlocks) * kStreamBlock * kWords);
            eval_(ops_.data() + begin, s.opsEnd - begin, words);
            begin = s.opsEnd;
        }
    }
    // Output bit `bit` (least significant first): kWords words.
    const uint64_t* outputWords(const uint64_t* words, int bit) const { return words + outputOffsets_[bit]; }

private:
    // Cells [previous opsEnd, opsEnd) run after input blocks 0..blocksBefore-1 are filled.
    struct Segment {
        uint32_t opsEnd = 0;
        int blocksBefore = 0;
    };
    LaneSimulator(const Netlist& netlist, Isa isa, bool stream);
    void compile(const Netlist& netlist, bool stream);

    int inputs_ = 0;
    uint32_t slotCount_ = 0;
    uint32_t const0Slot_ = 0, const1Slot_ = 0;
    std::vector<detail::CellOp> ops_;
    std::vector<uint32_t> outputOffsets_;
    detail::EvalCellsFn eval_ = nullptr;
    std::vector<Segment> segments_; // empty: not streamed
};

} // namespace axbnn
