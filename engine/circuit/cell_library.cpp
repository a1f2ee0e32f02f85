// Default SKY130 cell table and the JSON loader for user cell libraries.
#include "circuit/cell_library.h"
#include "circuit/cmos45_cells.h"
#include "util/input_limits.h"
#include "util/json_depth.h"
#include "util/json_text.h"
#include "util/shown_text.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace axbnn {

int CellType::error(unsigned combination) const
{
    const int ones = std::popcount(combination & ((1u << inputs) - 1));
    return sum(combination) + 2 * carry(combination) - ones;
}

bool CellType::isExact() const
{
    if (gate)
        return true;
    for (unsigned i = 0; i < (1u << inputs); ++i) {
        const int ones = std::popcount(i);
        if (hasCarry ? error(i) != 0 : sum(i) != (ones & 1))
            return false;
    }
    return true;
}

namespace {

// Delay (ps): sky130_fd_sc_hd tt_025C_1v80 liberty, slowest input pin to the
// output, mean of cell_rise and cell_fall at input transition 0.0531 ns and the
// load index nearest 3.4 fF. Energy per output transition (fJ): mean of the
// internal rise_power/fall_power at the same point plus the load's
// 0.5 * C * V^2 = 0.5 * 3.4 fF * (1.8 V)^2 = 5.5 fJ. docs/cell-library.md.
constexpr double kLoadEnergy = 5.5;
constexpr double kFaSumDelay = 503.0, kFaCarryDelay = 290.3;
constexpr double kFaSumEnergy = 6.92 + kLoadEnergy, kFaCarryEnergy = 7.18 + kLoadEnergy;
constexpr double kHaSumDelay = 285.6, kHaCarryDelay = 168.5;
constexpr double kHaSumEnergy = 5.81 + kLoadEnergy, kHaCarryEnergy = 5.94 + kLoadEnergy;
constexpr double kXor2Delay = 149.5, kXor2Energy = 8.38 + kLoadEnergy;
constexpr double kXor3Area = 23.7728, kXor3Delay = 381.6, kXor3Energy = 44.91 + kLoadEnergy;
constexpr double kMajDelay = 256.0, kMajEnergy = 13.49 + kLoadEnergy;
constexpr double kInvDelay = 48.8, kInvEnergy = 2.71 + kLoadEnergy;
constexpr double kOr2Delay = 162.7, kOr2Energy = 9.53 + kLoadEnergy;
// Input-pin internal energy (fJ per input transition): mean of the pin's
// internal_power fall_power and rise_power at input transition 0.0531 ns.
// Of the cells above only maj3_1 and or2_1 have such tables (fa_1, ha_1,
// xor2_1, xor3_1, inv_1 have none). docs/cell-library.md.
constexpr std::array<double, 3> kMajInputEnergy{0.0118, 0.5347, 0.2662}; // maj3_1 A, B, C
constexpr std::array<double, 3> kOr2InputEnergy{0.0283, 0.1874, 0.0}; // or2_1 A, B
// Arcs not yet read from their liberty files (docs/cell-library.md, the
// *proxy* figures of the logic gates): a single-stage inverting cell
// (a21oi_1) takes inv_1's arc, a two-stage one (and2_1, a21o_1, or2b_1)
// or2_1's, xnor2_1 xor2_1's, buf_1 two inverters'.
constexpr double kOneStageDelay = kInvDelay, kOneStageEnergy = kInvEnergy;
constexpr double kTwoStageDelay = kOr2Delay, kTwoStageEnergy = kOr2Energy;
constexpr double kBufDelay = 2 * kInvDelay, kBufEnergy = kInvEnergy + 2.71;
// Areas (width x 2.72 um): inv_1, buf_1 3.7536; a21oi_1 5.0048; and2_1,
// or2_1 6.256; a21o_1, or2b_1 7.5072; xnor2_1 8.7584; maj3_1 10.0096.
constexpr double kInvArea = 3.7536, kBufArea = 3.7536, kA21oiArea = 5.0048, kAnd2Area = 6.256;
constexpr double kA21oArea = 7.5072, kOr2bArea = 7.5072, kXnor2Area = 8.7584, kMajArea = 10.0096;

// Areas: sky130_fd_sc_hd cell width x 2.72 um row height (docs/domain.md section 4,
// SkyWater SKY130 PDK, sky130_fd_sc_hd). Delays and energies: see
// docs/cell-library.md for the liberty arcs and load they were read at.
// Transistor counts: static CMOS built from simple gates (NAND/NOR/AOI/OAI/
// XOR/inverter), as Yosys `abc -g cmos` + `stat -tech cmos` counts one
// isolated instance of each cell (docs/verilog.md).
CellType makeCell(std::string name, std::string description, int inputs, bool hasCarry, uint8_t sumTable,
                  uint8_t carryTable, double area, int transistors, double delaySum, double delayCarry,
                  double energySum, double energyCarry, std::array<double, 3> energyInput = {})
{
    CellType c;
    c.name = std::move(name);
    c.description = std::move(description);
    c.inputs = inputs;
    c.hasCarry = hasCarry;
    c.sumTable = sumTable;
    c.carryTable = hasCarry ? carryTable : 0;
    c.areaUm2 = area;
    c.transistors = transistors;
    c.delaySumPs = delaySum;
    c.delayCarryPs = hasCarry ? delayCarry : 0.0;
    c.energySumFj = energySum;
    c.energyCarryFj = hasCarry ? energyCarry : 0.0;
    c.energyInputFj = energyInput;
    return c;
}

// The approximate mirror adders AMA1..AMA5 of Gupta et al., "Low-power
// digital signal processing using approximate adders", IEEE TCAD 32(1),
// 2013 (Table I; a = A, b = B, c = Cin), composed of sky130_fd_sc_hd cells.
// Transistors: Yosys abc -g cmos of one instance (AMA5's buffers, which
// Yosys removes, as two inverters each).
void addAmaCells(CellLibrary& lib)
{
    lib.add(makeCell("ama1", "AMA1: C = b + a c, S = c (a XNOR b) (a21o_1; xnor2_1 + and2_1)", 3, true, 0x90, 0xEC,
                     kA21oArea + kXnor2Area + kAnd2Area, 28, kXor2Delay + kTwoStageDelay, kTwoStageDelay,
                     kXor2Energy + kTwoStageEnergy, kTwoStageEnergy));
    CellType ama2 = lib.at("maj-fa"); // the same function and cells
    ama2.name = "ama2";
    ama2.description = "AMA2: C = MAJ(a,b,c), S = NOT C (maj3_1 + inv_1, as maj-fa)";
    lib.add(std::move(ama2));
    lib.add(makeCell("ama3", "AMA3: C = b + a c, S = NOT C (a21oi_1 + inv_1)", 3, true, 0x13, 0xEC,
                     kA21oiArea + kInvArea, 8, kOneStageDelay, kOneStageDelay + kInvDelay, kOneStageEnergy,
                     kInvEnergy));
    lib.add(makeCell("ama4", "AMA4: C = a, S = c (b + NOT a) (buf_1; or2b_1 + and2_1)", 3, true, 0xD0, 0xAA,
                     kBufArea + kOr2bArea + kAnd2Area, 10, 2 * kTwoStageDelay, kBufDelay, 2 * kTwoStageEnergy,
                     kBufEnergy));
    lib.add(makeCell("ama5", "AMA5: S = b, C = a (two buf_1)", 3, true, 0xCC, 0xAA, 2 * kBufArea, 8, kBufDelay,
                     kBufDelay, kBufEnergy, kBufEnergy));
}

} // namespace

CellLibrary CellLibrary::defaults()
{
    CellLibrary lib;
    lib.source_ = "SKY130 sky130_fd_sc_hd, tt_025C_1v80 (built-in)";
    // Exact cells used by the builders.
    lib.add(makeCell("fa", "exact full adder (fa_1)", 3, true, 0x96, 0xE8, 20.0192, 36, kFaSumDelay, kFaCarryDelay,
                     kFaSumEnergy, kFaCarryEnergy));
    lib.add(makeCell("ha", "exact half adder (ha_1)", 2, true, 0x6, 0x8, 12.512, 18, kHaSumDelay, kHaCarryDelay,
                     kHaSumEnergy, kHaCarryEnergy));
    lib.add(makeCell("xor2", "sum-only half adder, top column (xor2_1)", 2, false, 0x6, 0, 8.7584, 12, kXor2Delay, 0,
                     kXor2Energy, 0));
    lib.add(makeCell("xor3", "sum-only full adder, top column (xor3_1)", 3, false, 0x96, 0, kXor3Area, 24, kXor3Delay,
                     0, kXor3Energy, 0));
    // Approximate cells (docs/domain.md section 3).
    lib.add(makeCell("maj-fa", "MAJ-FA: C = MAJ(a,b,c), S = NOT C (maj3_1 + inv_1)", 3, true, 0x17, 0xE8,
                     kMajArea + kInvArea, 16, kMajDelay + kInvDelay, kMajDelay, kInvEnergy, kMajEnergy,
                     kMajInputEnergy));
    lib.add(makeCell("maj", "carry-only: C = MAJ(a,b,c), S = 0 (maj3_1)", 3, true, 0x00, 0xE8, kMajArea, 14, 0,
                     kMajDelay, 0, kMajEnergy, kMajInputEnergy));
    lib.add(makeCell("or-ha", "OR half adder: S = a OR b, C = 0 (or2_1)", 2, true, 0xE, 0x0, 6.256, 6, kOr2Delay, 0,
                     kOr2Energy, 0, kOr2InputEnergy));
    addAmaCells(lib);
    // Weighted AND/OR pair compression (--approx-pairs): one weight-2 bit.
    lib.add(makeCell("and-pair", "AND pair: C = a AND b (weight 2), S = 0 (and2_1)", 2, true, 0x0, 0x8, kAnd2Area, 6, 0,
                     kTwoStageDelay, 0, kTwoStageEnergy));
    lib.add(makeCell("or-pair", "OR pair: C = a OR b (weight 2), S = 0 (or2_1)", 2, true, 0x0, 0xE, 6.256, 6, 0,
                     kOr2Delay, 0, kOr2Energy, kOr2InputEnergy));
    return lib;
}

const CellType* CellLibrary::find(std::string_view name) const
{
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &cells_[it->second];
}

const CellType& CellLibrary::at(std::string_view name) const
{
    if (const auto* c = find(name))
        return *c;
    throw std::invalid_argument("unknown cell '" + shownText(name) + "' (known: " + names() + ")");
}

// By name through the index: a library of many cells loads in linear time.
void CellLibrary::add(CellType cell)
{
    if (const auto it = index_.find(cell.name); it != index_.end()) {
        cells_[it->second] = std::move(cell);
        return;
    }
    index_.emplace(cell.name, cells_.size());
    cells_.push_back(std::move(cell));
}

std::string CellLibrary::names() const
{
    constexpr size_t kListed = 30; // a library of 100,000 cells is not listed whole in a message
    std::string out;
    for (size_t i = 0; i < cells_.size() && i < kListed; ++i)
        out += (i ? ", " : "") + shownText(cells_[i].name);
    if (cells_.size() > kListed)
        out += ", ... (" + std::to_string(cells_.size()) + " cells)";
    return out;
}

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& what)
{
    throw std::runtime_error(origin + ": " + what);
}

double number(const json& j, const char* key, const std::string& where, const std::string& origin, double fallback)
{
    if (!j.contains(key))
        return fallback;
    const auto& v = j.at(key);
    if (!v.is_number())
        fail(origin, where + "." + key + " must be a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0 || x > 1e9)
        fail(origin, where + "." + key + " must be a finite number >= 0");
    return x;
}

uint8_t table(const json& j, const char* key, int inputs, const std::string& where, const std::string& origin)
{
    const auto& v = j.at(key);
    if (!v.is_string())
        fail(origin, where + "." + key + " must be a string of 0/1, one per input combination");
    const auto s = v.get<std::string>();
    if (s.size() != (1u << inputs))
        fail(origin,
             where + "." + key + " must have " + std::to_string(1u << inputs)
                 + " characters (input combination i = a + 2b + 4c), got " + std::to_string(s.size()));
    uint8_t t = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '0' && s[i] != '1')
            fail(origin, where + "." + key + " may only contain 0 and 1");
        if (s[i] == '1')
            t |= uint8_t(1u << i);
    }
    return t;
}

std::pair<double, double> pair(const json& j, const char* key, const std::string& where, const std::string& origin)
{
    if (!j.contains(key))
        return {0.0, 0.0};
    const auto& v = j.at(key);
    if (v.is_number()) {
        const double x = number(j, key, where, origin, 0);
        return {x, x};
    }
    if (!v.is_object())
        fail(origin, where + "." + key + " must be a number or {\"sum\": .., \"carry\": ..}");
    return {number(v, "sum", where + "." + key, origin, 0), number(v, "carry", where + "." + key, origin, 0)};
}

// "input_energy_fj": one number for every input pin, or one per pin [a, b(, c)].
std::array<double, 3> inputEnergies(const json& j, int inputs, const std::string& where, const std::string& origin)
{
    constexpr const char* key = "input_energy_fj";
    std::array<double, 3> e{};
    if (!j.contains(key))
        return e;
    const auto& v = j.at(key);
    if (v.is_number()) {
        const double x = number(j, key, where, origin, 0);
        for (int i = 0; i < inputs; ++i)
            e[i] = x;
        return e;
    }
    if (!v.is_array() || v.size() != static_cast<size_t>(inputs))
        fail(origin,
             where + "." + key + " must be a number or an array of " + std::to_string(inputs) + " numbers (pins a, b"
                 + (inputs == 3 ? ", c)" : ")"));
    for (int i = 0; i < inputs; ++i) {
        const auto& x = v[static_cast<size_t>(i)];
        e[i] = x.is_number() ? x.get<double>() : -1.0;
        if (!std::isfinite(e[i]) || e[i] < 0 || e[i] > 1e9)
            fail(origin, where + "." + key + "[" + std::to_string(i) + "] must be a finite number >= 0");
    }
    return e;
}

} // namespace

namespace {

// The builders place fa, ha, xor2 and xor3 as exact cells of a fixed shape.
// A library may give them its own costs, never another function: an
// approximate cell takes a name of its own (--cell, --ha-cell).
void checkStructuralCell(const CellType& cell, const std::string& where, const std::string& origin)
{
    static const CellLibrary builtIn = CellLibrary::defaults();
    for (const char* name : {"fa", "ha", "xor2", "xor3"}) {
        if (cell.name != name)
            continue;
        const CellType& exact = builtIn.at(name);
        const bool same = cell.inputs == exact.inputs && cell.hasCarry == exact.hasCarry
            && cell.sumTable == exact.sumTable && (!exact.hasCarry || cell.carryTable == exact.carryTable);
        if (!same)
            fail(origin,
                 where + ": '" + cell.name + "' is a cell the popcount builders place (" + exact.description
                     + "): it must keep " + std::to_string(exact.inputs) + " inputs, "
                     + (exact.hasCarry ? "a carry" : "no carry")
                     + " and the exact truth tables; only its costs may change. Give a different cell a "
                       "name of its own");
    }
}

} // namespace

namespace {

CellType readCell(const json& c, const std::string& where, const std::string& origin)
{
    if (!c.is_object())
        fail(origin, where + " must be an object");
    if (!c.contains("name") || !c["name"].is_string() || c["name"].get<std::string>().empty())
        fail(origin, where + ".name must be a non-empty string");
    CellType cell;
    cell.name = c["name"].get<std::string>();
    for (char ch : cell.name)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'))
            fail(origin, where + ".name may only contain letters, digits, '-' and '_'");
    // Compared as a JSON value: get<int>() would wrap 4294967298 to 2.
    if (!c.contains("inputs") || !c["inputs"].is_number_integer() || (c["inputs"] != 2 && c["inputs"] != 3))
        fail(origin, where + ".inputs must be 2 or 3");
    cell.inputs = c["inputs"].get<int>();
    if (!c.contains("sum"))
        fail(origin, where + ".sum is missing");
    cell.sumTable = table(c, "sum", cell.inputs, where, origin);
    cell.hasCarry = c.contains("carry");
    if (cell.hasCarry)
        cell.carryTable = table(c, "carry", cell.inputs, where, origin);
    if (c.contains("description") && !c["description"].is_string())
        fail(origin, where + ".description must be a string");
    cell.description = c.value("description", std::string("user cell"));
    cell.areaUm2 = number(c, "area_um2", where, origin, 0);
    const double t = number(c, "transistors", where, origin, 0);
    if (t != std::floor(t))
        fail(origin, where + ".transistors must be a whole number");
    cell.transistors = static_cast<int>(t);
    std::tie(cell.delaySumPs, cell.delayCarryPs) = pair(c, "delay_ps", where, origin);
    std::tie(cell.energySumFj, cell.energyCarryFj) = pair(c, "energy_fj", where, origin);
    if (!cell.hasCarry)
        cell.delayCarryPs = cell.energyCarryFj = 0;
    cell.energyInputFj = inputEnergies(c, cell.inputs, where, origin);
    checkStructuralCell(cell, where, origin);
    return cell;
}

} // namespace

CellLibrary CellLibrary::fromJsonText(std::string_view text, const std::string& origin)
{
    return fromJsonText(text, origin, defaults());
}

CellLibrary CellLibrary::fromJsonText(std::string_view text, const std::string& origin, const CellLibrary& base)
{
    checkJsonDepth(text, origin);
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        fail(origin, jsonErrorText(text, e));
    }
    if (!doc.is_object() || !doc.contains("cells") || !doc["cells"].is_array())
        fail(origin, "expected an object with a \"cells\" array");
    const json& cells = doc["cells"];
    if (cells.size() > size_t(kMaxLibraryCells))
        fail(origin,
             "\"cells\" lists " + std::to_string(cells.size()) + " cells; a library file holds at most "
                 + std::to_string(kMaxLibraryCells));
    CellLibrary lib = base;
    lib.source_ = origin;
    for (size_t i = 0; i < cells.size(); ++i) {
        const std::string where = "cells[" + std::to_string(i) + "]";
        try {
            lib.add(readCell(cells[i], where, origin));
        } catch (const json::exception& e) { // a type the checks above missed: still one message with the place
            fail(origin, where + ": a value has the wrong type (" + shownText(e.what(), 120) + ")");
        }
    }
    return lib;
}

CellLibrary CellLibrary::fromJsonFile(const std::string& path)
{
    return fromJsonFile(path, defaults());
}

CellLibrary CellLibrary::cmos45()
{
    static const CellLibrary lib = [] {
        CellLibrary l = fromJsonText(kCmos45CellsJson, "cmos45");
        l.source_ = nlohmann::json::parse(kCmos45CellsJson).at("source").get<std::string>() + " (built-in)";
        return l;
    }();
    return lib;
}

CellLibrary CellLibrary::named(const std::string& nameOrFile)
{
    if (nameOrFile == kBuiltInLibraries[0])
        return defaults();
    if (nameOrFile == kBuiltInLibraries[1])
        return cmos45();
    if (!std::ifstream(nameOrFile, std::ios::binary))
        throw std::runtime_error("cell library '" + shownText(nameOrFile) + "' is neither a built-in library ("
                                 + std::string(kBuiltInLibraries[0]) + ", " + std::string(kBuiltInLibraries[1])
                                 + ") nor a readable file");
    return fromJsonFile(nameOrFile);
}

CellLibrary CellLibrary::fromJsonFile(const std::string& path, const CellLibrary& base)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot open cell library file");
    std::ostringstream text;
    text << in.rdbuf();
    return fromJsonText(text.str(), path, base);
}

} // namespace axbnn
