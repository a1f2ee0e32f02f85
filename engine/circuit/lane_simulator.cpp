// Compiling a netlist for lane simulation: cells in netlist order, except
// that a cell whose carry has a single reader is followed by that reader
// when it is ready (the carry then stays in registers); slots are reused after
// a signal's last reader (a LIFO free list keeps recently written words hot).
#include "circuit/lane_simulator.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <stdexcept>
#include <utility>

namespace axbnn {

namespace {

// The cell that may take `cell`'s carry from registers, or -1.
int carryReader(const Netlist& net, const SignalReaders& r, int cell)
{
    const Signal k = net.cells[cell].carry;
    if (k == kNoSignal || r.count[k] != 1)
        return -1;
    const int reader = r.last[k]; // the only one
    const CellInstance& c = net.cells[reader];
    const CellType& t = net.typeOf(c);
    if (t.inputs != 3)
        return -1;
    const detail::CellCode code = detail::makeCellOp(t.sumTable, t.carryTable, c.carry != kNoSignal, 3).code;
    return detail::isSymmetric3(code) || c.in[2] == k ? reader : -1;
}

// Netlist order (topological), but a carry's single reader right after its
// producer whenever its other inputs are ready.
std::vector<int> chainedOrder(const Netlist& net, const SignalReaders& r, const std::vector<int>& producer)
{
    const size_t n = net.cells.size();
    std::vector<int> pending(n, 0), order;
    std::vector<char> emitted(n, 0);
    std::vector<std::vector<int>> readersOfCell(n);
    for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < net.typeOf(net.cells[i]).inputs; ++k)
            if (const int p = producer[net.cells[i].in[k]]; p >= 0) {
                ++pending[i];
                readersOfCell[p].push_back(static_cast<int>(i));
            }
    order.reserve(n);
    for (size_t next = 0; order.size() < n;) {
        while (emitted[next])
            ++next;
        // All cells before `next` in netlist order are emitted, so it is ready.
        for (int c = static_cast<int>(next); c >= 0;) {
            emitted[c] = 1;
            order.push_back(c);
            for (int reader : readersOfCell[c])
                --pending[reader];
            const int y = carryReader(net, r, c);
            c = y >= 0 && !emitted[y] && pending[y] == 0 ? y : -1;
        }
    }
    return order;
}

struct StreamSegment {
    uint32_t opsEnd = 0;
    int blocksBefore = 0;
};

// Where to fill which input block so that every cell finds its inputs in a
// ring of `ring` blocks of `block` inputs, or nothing if the order reads
// inputs too far apart. Cells that pass a carry in registers (kept) stay in
// one segment: the kernel's carry register does not survive a call.
std::optional<std::vector<StreamSegment>> streamSchedule(const Netlist& net, const std::vector<int>& order,
                                                         const std::vector<char>& kept, int block, int ring)
{
    const auto isInput = [&](Signal s) { return s >= kFirstInput && s < kFirstInput + net.inputs; };
    for (Signal s : net.outputs)
        if (isInput(s))
            return std::nullopt;
    std::vector<StreamSegment> segments;
    int filled = 0;
    size_t segmentStart = 0;
    for (size_t k = 0; k < order.size();) {
        size_t end = k + 1;
        while (end < order.size() && net.cells[order[end - 1]].carry != kNoSignal
               && kept[net.cells[order[end - 1]].carry])
            ++end;
        int lo = INT_MAX, hi = -1;
        for (size_t j = k; j < end; ++j) {
            const CellInstance& c = net.cells[order[j]];
            for (int i = 0; i < net.typeOf(c).inputs; ++i)
                if (isInput(c.in[i])) {
                    const int b = (c.in[i] - kFirstInput) / block;
                    lo = std::min(lo, b);
                    hi = std::max(hi, b);
                }
        }
        if (hi >= filled) {
            if (k > segmentStart) {
                segments.push_back({static_cast<uint32_t>(k), filled});
                segmentStart = k;
            }
            filled = hi + 1;
        }
        if (hi >= 0 && lo < filled - ring)
            return std::nullopt; // that block was overwritten already
        k = end;
    }
    segments.push_back({static_cast<uint32_t>(order.size()), filled});
    return segments;
}

} // namespace

LaneSimulator::LaneSimulator(const Netlist& net, Isa isa) : LaneSimulator(net, isa, false) {}

LaneSimulator::LaneSimulator(const Netlist& net, Isa isa, bool stream)
    : inputs_(net.inputs), eval_(detail::evalCellsFunction(kWords, isa))
{
    compile(net, stream);
}

LaneSimulator LaneSimulator::streamedIfPossible(const Netlist& net, Isa isa)
{
    return LaneSimulator(net, isa, true);
}

void LaneSimulator::compile(const Netlist& net, bool stream)
{
    constexpr int kUnproduced = -1;
    std::vector<int> producer(net.signalCount, kUnproduced);
    for (size_t i = 0; i < net.cells.size(); ++i) {
        producer.at(net.cells[i].sum) = static_cast<int>(i);
        if (net.cells[i].carry != kNoSignal)
            producer.at(net.cells[i].carry) = static_cast<int>(i);
    }
    const SignalReaders readers = readersOf(net);
    const std::vector<int> order = chainedOrder(net, readers, producer);

    // Carries passed in registers: producer order[k] feeds order[k + 1].
    std::vector<char> kept(net.signalCount, 0);
    for (size_t k = 0; k + 1 < order.size(); ++k)
        if (carryReader(net, readers, order[k]) == order[k + 1])
            kept[net.cells[order[k]].carry] = 1;

    // Last reader (position in `order`) of every signal; outputs live forever.
    constexpr int kForever = 1 << 30;
    std::vector<int> lastUse(net.signalCount, -1);
    for (size_t k = 0; k < order.size(); ++k) {
        const CellInstance& c = net.cells[order[k]];
        for (int i = 0; i < net.typeOf(c).inputs; ++i)
            lastUse.at(c.in[i]) = static_cast<int>(k);
    }
    for (Signal s : net.outputs)
        lastUse.at(s) = kForever;

    // Inputs occupy slots 0..N-1 (streamed: input i the ring slot of its
    // block), then the two constants; cells take free slots.
    std::optional<std::vector<StreamSegment>> schedule;
    if (stream && inputs_ > kRingBlocks * kStreamBlock)
        schedule = streamSchedule(net, order, kept, kStreamBlock, kRingBlocks);
    const int inputSlots = schedule ? kRingBlocks * kStreamBlock : inputs_;
    std::vector<uint32_t> slotOf(net.signalCount, ~0u);
    for (int i = 0; i < inputs_; ++i)
        slotOf[kFirstInput + i] = static_cast<uint32_t>(i % inputSlots);
    const0Slot_ = static_cast<uint32_t>(inputSlots);
    const1Slot_ = const0Slot_ + 1;
    slotOf[kConst0] = const0Slot_;
    slotOf[kConst1] = const1Slot_;
    slotCount_ = const1Slot_ + 1;
    std::vector<uint32_t> freeSlots;
    auto allocate = [&](Signal s) {
        if (freeSlots.empty()) {
            slotOf[s] = slotCount_++;
        } else {
            slotOf[s] = freeSlots.back();
            freeSlots.pop_back();
        }
    };
    const auto ringInput = [&](Signal s) { return schedule && s >= kFirstInput && s < kFirstInput + inputs_; };
    auto release = [&](Signal s, int k) {
        // A ring slot is refilled by later blocks, so cells never take it.
        if (s != kConst0 && s != kConst1 && !kept[s] && lastUse[s] == k && !ringInput(s)) {
            freeSlots.push_back(slotOf[s]);
            lastUse[s] = -2; // released once even if read twice
        }
    };

    ops_.reserve(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
        const CellInstance& c = net.cells[order[k]];
        const CellType& t = net.typeOf(c);
        detail::CellOp op = detail::makeCellOp(t.sumTable, t.carryTable, c.carry != kNoSignal, t.inputs);
        std::array<Signal, 3> in = c.in;
        if (t.inputs == 3)
            for (int i = 0; i < 2; ++i)
                if (kept[in[i]])
                    std::swap(in[i], in[2]); // symmetric cell: the register carry becomes input c
        op.setFlags(t.inputs == 3 && kept[in[2]], op.hasCarry && kept[c.carry]);
        uint32_t slot[3] = {const0Slot_, const0Slot_, const0Slot_};
        for (int i = 0; i < t.inputs; ++i) {
            if (i == 2 && op.cFromPrevious)
                continue;
            if (slotOf.at(in[i]) == ~0u)
                throw std::logic_error("netlist cell reads an undriven signal");
            slot[i] = slotOf[in[i]];
        }
        allocate(c.sum);
        if (op.hasCarry && !op.carryToNext)
            allocate(c.carry);
        op.a = slot[0] * kWords;
        op.b = slot[1] * kWords;
        op.c = slot[2] * kWords;
        op.sum = slotOf[c.sum] * kWords;
        op.carry = (op.hasCarry && !op.carryToNext ? slotOf[c.carry] : slotOf[c.sum]) * kWords;
        ops_.push_back(op);
        for (int i = 0; i < t.inputs; ++i)
            release(c.in[i], static_cast<int>(k));
        // Outputs nobody reads are free again right after the cell.
        if (lastUse[c.sum] == -1)
            freeSlots.push_back(slotOf[c.sum]);
        if (op.hasCarry && !op.carryToNext && lastUse[c.carry] == -1)
            freeSlots.push_back(slotOf[c.carry]);
    }
    for (Signal s : net.outputs) {
        if (slotOf.at(s) == ~0u)
            throw std::logic_error("netlist output is undriven");
        outputOffsets_.push_back(slotOf[s] * kWords);
    }
    if (schedule)
        for (const StreamSegment& seg : *schedule)
            segments_.push_back({seg.opsEnd, seg.blocksBefore});
}

void LaneSimulator::prepare(std::vector<uint64_t>& slots) const
{
    slots.assign(static_cast<size_t>(slotCount_) * kWords, 0);
    std::fill_n(slots.begin() + static_cast<ptrdiff_t>(const1Slot_) * kWords, kWords, ~0ull);
}

} // namespace axbnn
