// The static CMOS gates the transistor count maps onto (Yosys `abc -g cmos`
// gates with their `stat -tech cmos` transistor counts), and which single gate
// computes a function of up to four cut leaves in which leaf phases.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace axbnn::cmos {

inline constexpr int kCutSize = 4; // leaves of a cut: truth tables of 16 bits
inline constexpr int kNotCost = 2; // transistors of an inverter

// One way to compute a truth table with one gate.
struct Match {
    uint8_t shape = 0; // gate index (gateName)
    bool constant = false; // the function is constant (no gate, no inputs)
    bool constantValue = false;
    uint8_t cost = 0; // transistors
    uint8_t inputs = 0;
    std::array<uint8_t, kCutSize> var{}; // cut leaf feeding gate input i
    std::array<uint8_t, kCutSize> phase{}; // 1: the leaf's complement
};

Match constantMatch(bool value);

// Every single-gate match of a 4-input truth table (bit m: the output for
// leaf values m), one per distinct (leaf, phase) requirement, the cheapest.
// Gates: wire (a leaf or its complement, 0 transistors), NAND2, NOR2 (4),
// AOI3, OAI3 (6), AOI4, OAI4 (8), XOR2, XNOR2, MUX2 (12), NMUX2 (10).
const std::vector<Match>& matches(uint16_t truthTable);

std::string gateName(int shape); // "nand2", "aoi3", ...
bool gateOutput(int shape, unsigned inputBits); // bit i: input i

} // namespace axbnn::cmos
