// The one table of the approximation knobs (docs/domain.md section 3): every
// spelling a knob has (C++, JSON, command line, sweep tables, old session
// files) and its limit. Parsers and writers take names from here.
#pragma once

#include "circuit/approximation.h"
#include "circuit/design_limits.h"

#include <span>
#include <string>
#include <string_view>

namespace axbnn {

enum class Knob {
    LsbColumns, // cells in the K least significant columns
    Levels, // cells on the first L tree levels
    Pairs, // P input pairs compressed by alternating AND/OR cells ahead of the tree
    Compressors, // approximate 4:2 compressors in the K low columns of Wallace / Dadda trees
};

struct KnobInfo {
    Knob knob;
    const char* name; // sweep specs, sweep tables, level sweeps: "lsb", "levels"
    const char* key; // design JSON, layer configs: "approx_lsb", "approx_levels"
    const char* option; // command line: "--approx-lsb", "--approx-levels"
    const char* sessionKey; // session files of version 1: "lsbColumns", "levels"
    const char* label; // GUI: "LSB columns", "tree levels"
    int max; // design_limits.h
    // Written to design JSON, layer configs and sessions even when 0, and
    // required in version-1 sessions. Knobs added later are written only
    // when set, so existing files and design hashes stay as they were.
    bool alwaysWritten = true;
};

std::span<const KnobInfo> knobTable();
const KnobInfo& knobInfo(Knob knob);
const char* knobName(Knob knob); // "lsb", "levels", "pairs", "compressors"
// Accepts the name or the JSON key; throws std::invalid_argument
// "unknown approximation knob 'x' (known: lsb, levels, pairs)".
Knob parseKnob(std::string_view name);
// "lsb, levels, pairs": the names, for messages.
std::string knobNames();
int knobValue(const ApproxConfig& approx, Knob knob);
void setKnob(ApproxConfig& approx, Knob knob, int value);
// Whether a writer puts the knob into a file (KnobInfo::alwaysWritten or set).
bool knobWritten(const ApproxConfig& approx, const KnobInfo& info);

// The other fields of a popcount unit, one spelling each (design JSON and
// layer configs; the command line is "--" + key with '-' for '_').
namespace unit_keys {
inline constexpr const char* kPopcount = "popcount"; // "exact" | "circuit"
inline constexpr const char* kTopology = "topology";
inline constexpr const char* kCell = "cell"; // replaces full adders
inline constexpr const char* kHaCell = "ha_cell"; // replaces half adders ("" exact)
inline constexpr const char* kApproxCells = "approx_cells"; // hand-picked cell indices
inline constexpr const char* kExactCells = "exact_cells";
inline constexpr const char* kUnitWidth = "unit_width";
inline constexpr const char* kNetlist = "netlist";
inline constexpr const char* kColumnCells = "column_cells"; // {"0": "maj-fa", ...}: mixed popcounts
inline constexpr const char* kLevelCells = "level_cells";
// The approximate 4:2 compressor of Knob::Compressors (circuit/compressors.h);
// written only with that knob set.
inline constexpr const char* kCompressor = "compressor";
// A hierarchical popcount (circuit/hierarchical_popcount.h): an imported leaf
// block file, or the width of a generated one.
inline constexpr const char* kLeaf = "leaf";
inline constexpr const char* kLeafWidth = "leaf_width";
} // namespace unit_keys

} // namespace axbnn
