// Planning half of the distribution propagation (propagation.cpp): node
// programs, how many low bits each node tracks, per-node tables and the
// reachable-range pass that finds nodes whose result may wrap.
#pragma once

#include "analysis/error_analysis.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace axbnn::propagation {

using Int = int64_t;

inline constexpr int kMaxTableBits = 22; // entries per node table: 2^22 x 6 bytes

[[noreturn]] void infeasible(const std::string& why);

// The cells of one adder node as a program over local bit slots: slots 0 and
// 1 are the constants, then come the operand bits, the carry-in and the cell outputs.
struct NodeProgram {
    struct Op {
        uint8_t sumTable = 0, carryTable = 0;
        int arity = 0;
        bool hasCarry = false;
        int in[3] = {0, 0, 0};
        int sum = 0, carry = 0;
    };
    std::vector<int> a, b; // slot of operand bit j
    int cin = -1;
    std::vector<Op> ops;
    std::vector<int> out; // slot of result bit j
    int slotCount = 2;
    int k = 0; // 1 + highest column of an approximate cell (0: all exact)
};

// How many low bits of each value a node works with.
struct NodePlan {
    int rOut = 0; // low bits of this node's result its parent needs
    int rA = 0, rB = 0; // low operand bits this node needs
    bool complete = false; // rA, rB are the full operand widths
};

// Per (rA, rB, cin): the node's local error and the low rOut bits of its result.
struct NodeTable {
    int rA = -1, rB = -1, rOut = -1;
    int cinBits = 0;
    std::vector<int32_t> delta;
    std::vector<uint16_t> cls;
    size_t index(unsigned a, unsigned b, unsigned c) const
    {
        return ((static_cast<size_t>(a) << rB | b) << cinBits) | c;
    }
};

// Reachable (nonzero probability) errors and values of one class, no pruning.
struct Range {
    bool reachable = false;
    Int minE = 0, maxE = 0, minV = 0, maxV = 0;
    void merge(Int eLo, Int eHi, Int vLo, Int vHi)
    {
        if (!reachable) {
            *this = {true, eLo, eHi, vLo, vHi};
            return;
        }
        minE = std::min(minE, eLo);
        maxE = std::max(maxE, eHi);
        minV = std::min(minV, vLo);
        maxV = std::max(maxV, vHi);
    }
};

// P(class, e) for e = offset, offset + 1, ... of one class.
struct Dist {
    int offset = 0;
    std::vector<double> prob;
};

struct RangePass {
    std::vector<Range> root;
    std::vector<int> widen; // nodes that may wrap, to be given complete operands
    bool mayWrap = false; // some node that cannot be widened may wrap
    double wrapBound = 0.0; // P(any such node wraps) <= this
};

bool isPrimaryInput(const Netlist& net, Signal s);
// Checks the node structure the method relies on and returns the root node.
int checkStructure(const Netlist& net);
std::vector<NodeProgram> buildPrograms(const Netlist& net);
// Top-down: each node needs max(K, what its parent needs, floor) low bits of
// its operands. floor > 0 only where wrap-around forced complete operands.
std::vector<NodePlan> planNodes(const Netlist& net, const std::vector<NodeProgram>& programs,
                                const std::vector<int>& floor);
// Fills the node's (rA, rB, cin) -> (delta, class) table; no-op if current.
void buildTable(const NodeProgram& prog, const NodePlan& plan, NodeTable& table);
// Throws when the plan's tables alone exceed the budget or a node's limit.
void checkTableSizes(const Netlist& net, const std::vector<NodePlan>& plan, long budget);
// The carry-in values of a node with their probabilities (zero ones left out).
std::vector<std::pair<unsigned, double>> carryIns(const AdderNode& node, double p);
// Classes of one raw input bit (bits = 0: a single class).
std::vector<Range> rawRanges(int bits, double p);
std::vector<Dist> rawDists(int bits, double p);
// Reachable error/value ranges per class; finds nodes whose result may wrap.
RangePass propagateRanges(const Netlist& net, const std::vector<NodePlan>& plan, const std::vector<NodeTable>& tables,
                          const std::vector<char>& boundOnly, int root, double p);

} // namespace axbnn::propagation
