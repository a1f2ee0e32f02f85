// Gate matching for the static-CMOS mapping (circuit/cmos_gates.h).
#include "circuit/cmos_gates.h"

#include <algorithm>

namespace axbnn::cmos {
namespace {

struct GateShape {
    const char* name;
    uint8_t cost;
    int inputs;
    bool (*eval)(unsigned x); // bit i of x = gate input i
};

bool bit(unsigned x, int i)
{
    return ((x >> i) & 1u) != 0;
}

const GateShape kShapes[] = {
    {"wire", 0, 1, [](unsigned x) { return bit(x, 0); }}, // a wire (the leaf, or its complement)
    {"nand2", 4, 2, [](unsigned x) { return !(bit(x, 0) && bit(x, 1)); }}, // NAND
    {"nor2", 4, 2, [](unsigned x) { return !(bit(x, 0) || bit(x, 1)); }}, // NOR
    {"aoi3", 6, 3, [](unsigned x) { return !((bit(x, 0) && bit(x, 1)) || bit(x, 2)); }}, // AOI3
    {"oai3", 6, 3, [](unsigned x) { return !((bit(x, 0) || bit(x, 1)) && bit(x, 2)); }}, // OAI3
    {"aoi4", 8, 4, [](unsigned x) { return !((bit(x, 0) && bit(x, 1)) || (bit(x, 2) && bit(x, 3))); }}, // AOI4
    {"oai4", 8, 4, [](unsigned x) { return !((bit(x, 0) || bit(x, 1)) && (bit(x, 2) || bit(x, 3))); }}, // OAI4
    {"xor2", 12, 2, [](unsigned x) { return bit(x, 0) != bit(x, 1); }}, // XOR
    {"xnor2", 12, 2, [](unsigned x) { return bit(x, 0) == bit(x, 1); }}, // XNOR
    {"mux2", 12, 3, [](unsigned x) { return bit(x, 2) ? bit(x, 1) : bit(x, 0); }}, // MUX
    {"nmux2", 10, 3, [](unsigned x) { return !(bit(x, 2) ? bit(x, 1) : bit(x, 0)); }}, // NMUX
};

using MatchTable = std::vector<std::vector<Match>>; // indexed by truth table

const MatchTable& matchTable()
{
    static const MatchTable table = [] {
        MatchTable t(size_t{1} << 16);
        std::array<uint8_t, kCutSize> order{0, 1, 2, 3};
        for (uint8_t shapeIndex = 0; shapeIndex < std::size(kShapes); ++shapeIndex) {
            const GateShape& shape = kShapes[shapeIndex];
            // Every injective assignment of cut variables to the gate's inputs.
            std::sort(order.begin(), order.end());
            do {
                for (unsigned pol = 0; pol < (1u << shape.inputs); ++pol) {
                    uint16_t tt = 0;
                    for (unsigned m = 0; m < 16; ++m) {
                        unsigned x = 0;
                        for (int i = 0; i < shape.inputs; ++i)
                            x |= static_cast<unsigned>(bit(m, order[i]) != bit(pol, i)) << i;
                        tt |= static_cast<uint16_t>(shape.eval(x) ? 1u : 0u) << m;
                    }
                    Match match;
                    match.shape = shapeIndex;
                    match.cost = shape.cost;
                    match.inputs = static_cast<uint8_t>(shape.inputs);
                    for (int i = 0; i < shape.inputs; ++i) {
                        match.var[i] = order[i];
                        match.phase[i] = static_cast<uint8_t>(bit(pol, i));
                    }
                    std::vector<Match>& list = t[tt];
                    // Keep one match per (leaf, phase) requirement: the cheapest.
                    const auto needs = [](const Match& a) {
                        unsigned need = 0;
                        for (int i = 0; i < a.inputs; ++i)
                            need |= (1u << (a.var[i] * 2 + a.phase[i]));
                        return need;
                    };
                    const auto same = std::find_if(list.begin(), list.end(),
                                                   [&](const Match& o) { return needs(o) == needs(match); });
                    if (same == list.end())
                        list.push_back(match);
                    else if (same->cost > match.cost)
                        *same = match;
                }
                // Skip the orders that only permute the unused variables.
                std::reverse(order.begin() + shape.inputs, order.end());
            } while (std::next_permutation(order.begin(), order.end()));
        }
        return t;
    }();
    return table;
}

} // namespace

Match constantMatch(bool value)
{
    Match m;
    m.constant = true;
    m.constantValue = value;
    return m;
}

const std::vector<Match>& matches(uint16_t truthTable)
{
    return matchTable()[truthTable];
}

std::string gateName(int shape)
{
    return kShapes[shape].name;
}

bool gateOutput(int shape, unsigned inputBits)
{
    return kShapes[shape].eval(inputBits);
}

} // namespace axbnn::cmos
