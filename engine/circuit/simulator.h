// Bit-parallel netlist simulation: every 64-bit word carries 64 input vectors.
#pragma once

#include "circuit/cell_eval.h"
#include "circuit/netlist.h"

#include <cstdint>
#include <span>
#include <vector>

namespace axbnn {

// A netlist compiled for simulation: one operation per cell over dense slots.
class Simulator {
public:
    explicit Simulator(const Netlist& netlist);

    int inputs() const { return inputs_; }
    int outputBits() const { return static_cast<int>(outputSlots_.size()); }
    int slotCount() const { return slotCount_; }

    // inputWords holds `words` words per input, input-major:
    // inputWords[i * words + w]. outputWords receives `words` words per
    // output bit, likewise. `scratch` is resized as needed and may be reused.
    void run(std::span<const uint64_t> inputWords, int words, std::span<uint64_t> outputWords,
             std::vector<uint64_t>& scratch) const;

    // Simulates chunk by chunk and hands every chunk's signal words to
    // `visit(slots, stride, count, firstWord)`: signal s, word firstWord + k
    // is slots[s * stride + k] for k < count. For reading internal signals.
    template <class Visit>
    void forEachChunk(std::span<const uint64_t> inputWords, int words, std::vector<uint64_t>& scratch,
                      Visit&& visit) const
    {
        for (int w0 = 0; w0 < words; w0 += kChunk) {
            const int n = words - w0 < kChunk ? words - w0 : kChunk;
            simulateChunk(inputWords, words, w0, n, scratch);
            visit(static_cast<const uint64_t*>(scratch.data()), size_t{kChunk}, n, w0);
        }
    }

    // Slot of a netlist signal, -1 if it is not driven.
    int slotOf(Signal signal) const;
    // Popcount value of one input vector (bits of `vector` as inputs), scalar.
    uint64_t evaluate(const std::vector<uint8_t>& bits) const;

    struct Op {
        uint8_t sumTable, carryTable;
        bool hasCarry;
        uint8_t arity;
        uint32_t in[3];
        uint32_t sum, carry;
    };
    const std::vector<Op>& ops() const { return ops_; }

private:
    static constexpr int kChunk = 8; // words per pass: keeps all signals in cache
    void simulateChunk(std::span<const uint64_t> inputWords, int words, int w0, int n,
                       std::vector<uint64_t>& scratch) const;

    int inputs_ = 0;
    int slotCount_ = 0;
    std::vector<Op> ops_;
    std::vector<detail::CellOp> cellOps_; // ops_ compiled for the kChunk-word kernel
    detail::EvalCellsFn evalCells_ = nullptr;
    std::vector<int> slotOfSignal_;
    std::vector<uint32_t> outputSlots_;
};

// Evaluates a truth table on 64 lanes at once.
uint64_t evalTable(uint8_t table, int arity, uint64_t a, uint64_t b, uint64_t c);

} // namespace axbnn
