// Cell library: the adder cells a popcount netlist is made of, each defined by
// its truth table, with area, transistor count, delay and energy (docs/domain.md sections 2-4).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// One cell kind. Inputs are named a, b, c; input combination i is
// a + 2*b + 4*c, and bit i of a table is the output for that combination.
struct CellType {
    std::string name;
    std::string description;
    int inputs = 3; // 2 or 3
    bool hasCarry = true; // false: sum-only cell (no carry output)
    // A logic gate of an imported netlist (circuit/gate_cells.h), not an
    // adder: it has no count semantics, so it is never "approximate"; an
    // imported circuit's error comes from error analysis alone.
    bool gate = false;
    uint8_t sumTable = 0;
    uint8_t carryTable = 0;
    double areaUm2 = 0.0;
    int transistors = 0;
    double delaySumPs = 0.0; // worst input -> sum arc
    double delayCarryPs = 0.0; // worst input -> carry arc
    double energySumFj = 0.0; // energy per transition of the sum output
    double energyCarryFj = 0.0; // energy per transition of the carry output
    // Internal energy per transition of input pin a, b, c (Liberty input-pin
    // internal_power, mean of rise and fall); the driver's charging of the
    // pin is in the driving output's figure.
    std::array<double, 3> energyInputFj{};

    int sum(unsigned combination) const { return (sumTable >> combination) & 1; }
    int carry(unsigned combination) const { return hasCarry ? (carryTable >> combination) & 1 : 0; }
    // Value the cell outputs (sum + 2*carry) minus the number of ones at its
    // inputs, for one input combination. Zero everywhere for exact adders.
    int error(unsigned combination) const;
    // True when sum + 2*carry equals the input count for every combination
    // (for sum-only cells: when sum is the parity of the inputs). Always
    // true for logic gates.
    bool isExact() const;
};

// Names of the built-in libraries (CellLibrary::named), the default first.
inline constexpr std::array<std::string_view, 2> kBuiltInLibraries{"sky130", "cmos45"};

// A named set of cell kinds. The popcount builders use the exact cells
// "fa", "ha", "xor2" and "xor3"; approximation swaps in cells of equal arity.
class CellLibrary {
public:
    // SKY130 sky130_fd_sc_hd figures (see cell_library.cpp for the source).
    static CellLibrary defaults();
    // Static-CMOS transistor-level cells characterised with ngspice and a
    // 45 nm predictive model (tools/characterize_cmos45.py; the same cells,
    // other figures). Logic gates of imported netlists keep SKY130 figures.
    static CellLibrary cmos45();
    // A built-in library by name (kBuiltInLibraries) or else a JSON file
    // extending the SKY130 defaults. Throws std::runtime_error on bad input.
    static CellLibrary named(const std::string& nameOrFile);
    // `base` (the defaults unless given), extended or overridden by the cells
    // of a JSON file (format: docs/cell-library.md). Throws
    // std::runtime_error on bad input.
    static CellLibrary fromJsonFile(const std::string& path);
    static CellLibrary fromJsonFile(const std::string& path, const CellLibrary& base);
    static CellLibrary fromJsonText(std::string_view text, const std::string& origin);
    static CellLibrary fromJsonText(std::string_view text, const std::string& origin, const CellLibrary& base);

    const std::vector<CellType>& cells() const { return cells_; }
    const CellType* find(std::string_view name) const;
    // Like find(), but throws a message listing the known names.
    const CellType& at(std::string_view name) const;
    void add(CellType cell); // replaces a cell of the same name
    std::string names() const;
    const std::string& source() const { return source_; }

private:
    std::vector<CellType> cells_;
    std::map<std::string, size_t, std::less<>> index_; // name -> position in cells_
    std::string source_;
};

} // namespace axbnn
