// Bit-parallel simulation of a netlist, 64 vectors per word, in cache-sized
// chunks of words.
#include "circuit/simulator.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {

uint64_t evalTable(uint8_t table, int arity, uint64_t a, uint64_t b, uint64_t c)
{
    if (arity == 3) {
        switch (table) {
        case 0x00: return 0;
        case 0xFF: return ~0ull;
        case 0x96: return a ^ b ^ c;
        case 0x69: return ~(a ^ b ^ c);
        case 0xE8: return (a & b) | (c & (a | b));
        case 0x17: return ~((a & b) | (c & (a | b)));
        default: {
            const uint64_t lo = evalTable(table & 0xF, 2, a, b, 0);
            const uint64_t hi = evalTable(table >> 4, 2, a, b, 0);
            return (c & hi) | (~c & lo);
        }
        }
    }
    switch (table & 0xF) {
    case 0x0: return 0;
    case 0xF: return ~0ull;
    case 0x6: return a ^ b;
    case 0x9: return ~(a ^ b);
    case 0x8: return a & b;
    case 0xE: return a | b;
    default: {
        auto mask = [&](int bit) { return (table >> bit) & 1 ? ~0ull : 0ull; };
        return (~a & ~b & mask(0)) | (a & ~b & mask(1)) | (~a & b & mask(2)) | (a & b & mask(3));
    }
    }
}

Simulator::Simulator(const Netlist& netlist) : inputs_(netlist.inputs)
{
    slotCount_ = static_cast<int>(netlist.signalCount);
    slotOfSignal_.assign(netlist.signalCount, -1);
    for (Signal s = 0; s < kFirstInput + static_cast<Signal>(inputs_); ++s)
        slotOfSignal_[s] = static_cast<int>(s);
    ops_.reserve(netlist.cells.size());
    for (const auto& c : netlist.cells) {
        const CellType& t = netlist.typeOf(c);
        Op op{};
        op.sumTable = t.sumTable;
        op.carryTable = t.carryTable;
        op.hasCarry = c.carry != kNoSignal;
        op.arity = static_cast<uint8_t>(t.inputs);
        for (int i = 0; i < 3; ++i) {
            const Signal s = i < t.inputs ? c.in[i] : kConst0;
            if (s == kNoSignal || slotOfSignal_.at(s) < 0)
                throw std::logic_error("netlist cell reads an undriven signal");
            op.in[i] = static_cast<uint32_t>(s);
        }
        op.sum = c.sum;
        op.carry = op.hasCarry ? c.carry : c.sum;
        slotOfSignal_[c.sum] = static_cast<int>(c.sum);
        if (op.hasCarry)
            slotOfSignal_[c.carry] = static_cast<int>(c.carry);
        ops_.push_back(op);
        detail::CellOp cell = detail::makeCellOp(op.sumTable, op.carryTable, op.hasCarry, op.arity);
        cell.a = op.in[0] * kChunk;
        cell.b = op.in[1] * kChunk;
        cell.c = op.in[2] * kChunk;
        cell.sum = op.sum * kChunk;
        cell.carry = op.carry * kChunk;
        cellOps_.push_back(cell);
    }
    evalCells_ = detail::evalCellsFunction(kChunk);
    for (Signal s : netlist.outputs) {
        if (slotOfSignal_.at(s) < 0)
            throw std::logic_error("netlist output is undriven");
        outputSlots_.push_back(s);
    }
}

int Simulator::slotOf(Signal signal) const
{
    return signal < slotOfSignal_.size() ? slotOfSignal_[signal] : -1;
}

void Simulator::simulateChunk(std::span<const uint64_t> inputWords, int words, int w0, int n,
                              std::vector<uint64_t>& scratch) const
{
    scratch.resize(static_cast<size_t>(slotCount_) * kChunk);
    uint64_t* slots = scratch.data();
    std::fill_n(slots + kConst0 * kChunk, kChunk, 0ull);
    std::fill_n(slots + kConst1 * kChunk, kChunk, ~0ull);
    for (int i = 0; i < inputs_; ++i)
        std::copy_n(inputWords.data() + static_cast<size_t>(i) * words + w0, n, slots + (kFirstInput + i) * kChunk);
    // All kChunk words are evaluated even when n < kChunk: the unused words
    // hold stale values nobody reads, and fixed-width kernels vectorise.
    (void)n;
    evalCells_(cellOps_.data(), cellOps_.size(), slots);
}

void Simulator::run(std::span<const uint64_t> inputWords, int words, std::span<uint64_t> outputWords,
                    std::vector<uint64_t>& scratch) const
{
    if (inputWords.size() < static_cast<size_t>(inputs_) * words || outputWords.size() < outputSlots_.size() * words)
        throw std::invalid_argument("simulation buffers are too small");
    forEachChunk(inputWords, words, scratch, [&](const uint64_t* slots, size_t stride, int n, int w0) {
        for (size_t o = 0; o < outputSlots_.size(); ++o)
            std::copy_n(slots + outputSlots_[o] * stride, n, outputWords.data() + o * words + w0);
    });
}

uint64_t Simulator::evaluate(const std::vector<uint8_t>& bits) const
{
    if (bits.size() != static_cast<size_t>(inputs_))
        throw std::invalid_argument("expected one bit per input");
    std::vector<uint64_t> in(bits.size());
    for (size_t i = 0; i < bits.size(); ++i)
        in[i] = bits[i] ? 1 : 0;
    std::vector<uint64_t> out(outputSlots_.size());
    std::vector<uint64_t> scratch;
    run(in, 1, out, scratch);
    uint64_t value = 0;
    for (size_t o = 0; o < out.size(); ++o)
        value |= (out[o] & 1) << o;
    return value;
}

} // namespace axbnn
