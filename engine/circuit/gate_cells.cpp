// SKY130 figures of the logic gates (docs/cell-library.md, "Logic gates").
#include "circuit/gate_cells.h"

namespace axbnn {

namespace {

struct GateSpec {
    const char* name;
    const char* description;
    int arity;
    uint8_t table; // 2-input table (a + 2b) or 3-input table (a + 2b + 4c)
    double area; // sky130_fd_sc_hd cell area, um^2
    int transistors; // Yosys `abc -g cmos` + `stat -tech cmos` of the gate alone
    double delayPs; // see docs/cell-library.md: measured arc or named proxy
    double energyFj; // internal energy + 5.5 fJ load, likewise
    std::array<double, 3> inputEnergyFj{}; // input-pin internal energy (or2_1 only)
};

// Order of enum Gate. Delay/energy of inv_1, xor2_1 and or2_1 are the liberty
// arcs of cell_library.cpp; the other gates use the proxy named in the
// description (a cell of the same stage structure), see docs/cell-library.md.
constexpr double kLoad = 5.5;
constexpr GateSpec kGates[kGateKinds] = {
    {"inv", "inverter (inv_1)", 1, 0x5, 3.7536, 2, 48.8, 2.71 + kLoad},
    {"buf", "buffer (buf_1; timing proxy: 2 x inv_1)", 1, 0xA, 3.7536, 4, 97.6, 2 * 2.71 + kLoad},
    {"and2", "AND (and2_1; timing proxy: or2_1)", 2, 0x8, 6.256, 6, 162.7, 9.53 + kLoad},
    {"or2", "OR (or2_1)", 2, 0xE, 6.256, 6, 162.7, 9.53 + kLoad, {0.0283, 0.1874, 0.0}},
    {"nand2", "NAND (nand2_1; timing proxy: inv_1)", 2, 0x7, 3.7536, 4, 48.8, 2.71 + kLoad},
    {"nor2", "NOR (nor2_1; timing proxy: inv_1)", 2, 0x1, 3.7536, 4, 48.8, 2.71 + kLoad},
    {"xor2", "XOR (xor2_1)", 2, 0x6, 8.7584, 12, 149.5, 8.38 + kLoad},
    {"xnor2", "XNOR (xnor2_1; timing proxy: xor2_1)", 2, 0x9, 8.7584, 12, 149.5, 8.38 + kLoad},
    {"andnot", "a AND NOT b (and2b_1; timing proxy: or2_1)", 2, 0x2, 7.5072, 6, 162.7, 9.53 + kLoad},
    {"ornot", "a OR NOT b (or2b_1; timing proxy: or2_1)", 2, 0xB, 7.5072, 6, 162.7, 9.53 + kLoad},
    {"mux2", "c ? b : a (mux2_1; timing proxy: xor2_1)", 3, 0xCA, 11.2608, 12, 149.5, 8.38 + kLoad},
};

} // namespace

std::string gateName(Gate gate)
{
    return kGates[static_cast<int>(gate)].name;
}

int gateArity(Gate gate)
{
    return kGates[static_cast<int>(gate)].arity;
}

CellType gateCell(Gate gate, const CellLibrary* overrides)
{
    const GateSpec& g = kGates[static_cast<int>(gate)];
    CellType c;
    c.name = g.name;
    c.description = g.description;
    c.inputs = g.arity == 3 ? 3 : 2;
    c.hasCarry = false;
    c.gate = true;
    c.sumTable = g.table;
    c.areaUm2 = g.area;
    c.transistors = g.transistors;
    c.delaySumPs = g.delayPs;
    c.energySumFj = g.energyFj;
    c.energyInputFj = g.inputEnergyFj;
    // The built-in "xor2" adder cell is xor2_1 too, so its figures are the gate's.
    if (const CellType* user = overrides ? overrides->find(g.name) : nullptr) {
        c.areaUm2 = user->areaUm2;
        c.transistors = user->transistors;
        c.delaySumPs = user->delaySumPs;
        c.energySumFj = user->energySumFj;
        c.energyInputFj = user->energyInputFj;
    }
    return c;
}

std::optional<Gate> yosysGate(std::string_view type)
{
    static const std::pair<const char*, Gate> kTypes[] = {
        {"$_NOT_", Gate::Inv},       {"$_BUF_", Gate::Buf},     {"$_AND_", Gate::And2}, {"$_OR_", Gate::Or2},
        {"$_NAND_", Gate::Nand2},    {"$_NOR_", Gate::Nor2},    {"$_XOR_", Gate::Xor2}, {"$_XNOR_", Gate::Xnor2},
        {"$_ANDNOT_", Gate::AndNot}, {"$_ORNOT_", Gate::OrNot}, {"$_MUX_", Gate::Mux2}};
    for (const auto& [name, gate] : kTypes)
        if (type == name)
            return gate;
    return std::nullopt;
}

} // namespace axbnn
