// The approximation knobs' names and limits.
#include "circuit/knobs.h"
#include "util/shown_text.h"

#include <stdexcept>
#include <string>

namespace axbnn {
namespace {

constexpr KnobInfo kKnobs[] = {
    {Knob::LsbColumns, "lsb", "approx_lsb", "--approx-lsb", "lsbColumns", "LSB columns", kMaxLsbColumns},
    {Knob::Levels, "levels", "approx_levels", "--approx-levels", "levels", "tree levels", kMaxTreeLevels},
    {Knob::Pairs, "pairs", "approx_pairs", "--approx-pairs", "pairs", "AND/OR input pairs", kMaxInputPairs, false},
    {Knob::Compressors, "compressors", "approx_compressors", "--approx-compressors", "compressorColumns",
     "4:2 compressor columns", kMaxLsbColumns, false},
};

} // namespace

std::span<const KnobInfo> knobTable()
{
    return kKnobs;
}

const KnobInfo& knobInfo(Knob knob)
{
    for (const KnobInfo& info : kKnobs)
        if (info.knob == knob)
            return info;
    throw std::logic_error("knobInfo: unknown knob");
}

const char* knobName(Knob knob)
{
    return knobInfo(knob).name;
}

std::string knobNames()
{
    std::string known;
    for (const KnobInfo& info : kKnobs)
        known += (known.empty() ? "" : ", ") + std::string(info.name);
    return known;
}

Knob parseKnob(std::string_view name)
{
    for (const KnobInfo& info : kKnobs)
        if (name == info.name || name == info.key)
            return info.knob;
    throw std::invalid_argument("unknown approximation knob '" + shownText(name) + "' (known: " + knobNames() + ")");
}

namespace {

template <typename Config>
auto& field(Config& approx, Knob knob)
{
    switch (knob) {
    case Knob::LsbColumns: return approx.lsbColumns;
    case Knob::Levels: return approx.levels;
    case Knob::Pairs: return approx.pairs;
    case Knob::Compressors: return approx.compressorColumns;
    }
    throw std::logic_error("unknown knob");
}

} // namespace

int knobValue(const ApproxConfig& approx, Knob knob)
{
    return field(approx, knob);
}

void setKnob(ApproxConfig& approx, Knob knob, int value)
{
    field(approx, knob) = value;
}

bool knobWritten(const ApproxConfig& approx, const KnobInfo& info)
{
    return info.alwaysWritten || knobValue(approx, info.knob) != 0;
}

} // namespace axbnn
