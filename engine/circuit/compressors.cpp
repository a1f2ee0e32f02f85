// The approximate 4:2 compressors' table and the evaluation of their parts.
#include "circuit/compressors.h"

#include "circuit/gate_cells.h"
#include "util/shown_text.h"

#include <bit>
#include <stdexcept>
#include <string>

namespace axbnn {
namespace {

// Per-row errors are in docs/cell-library.md and checked in test_compressors.
constexpr Compressor kCompressors[] = {
    {"c42-hl",
     "Ha & Lee, IEEE Embedded Systems Letters 10(1), 2018 (the same function appears as Venkatachalam & Ko, "
     "IEEE TVLSI 25(5), 2017)",
     "sum = (x1 XOR x2) OR (x3 XOR x4), carry = (x1 AND x2) OR (x3 AND x4)",
     {{"ha", 0, 1, 0}, {"ha", 2, 3, 0}, {"or2", 4, 6, 0}, {"or2", 5, 7, 1}},
     4,
     8,
     9},
    {"c42-yin",
     "the compressor attributed to Yin et al. (1 positive and 7 negative errors in 16 rows); see "
     "docs/cell-library.md for what was checked",
     "sum = x3 XNOR x4, carry = (x1 OR x2) AND (x3 OR x4)",
     {{"xnor2", 2, 3, 0}, {"or2", 0, 1, 0}, {"or2", 2, 3, 0}, {"and2", 5, 6, 1}},
     4,
     4,
     7},
};

} // namespace

CellType compressorPartCell(std::string_view gate)
{
    for (int g = 0; g < kGateKinds; ++g)
        if (gateName(static_cast<Gate>(g)) == gate) {
            CellType c = gateCell(static_cast<Gate>(g));
            c.name = "c42-" + c.name;
            c.description = c.description + ", part of an approximate 4:2 compressor";
            c.gate = false;
            return c;
        }
    throw std::logic_error("compressor part '" + std::string(gate) + "' is no logic gate");
}

std::span<const Compressor> compressorTable()
{
    return kCompressors;
}

const Compressor& defaultCompressor()
{
    return kCompressors[0];
}

std::string compressorNames()
{
    std::string names;
    for (const Compressor& c : kCompressors)
        names += (names.empty() ? "" : ", ") + std::string(c.name);
    return names;
}

const Compressor& compressorNamed(std::string_view name)
{
    for (const Compressor& c : kCompressors)
        if (name == c.name)
            return c;
    throw std::invalid_argument("unknown 4:2 compressor '" + shownText(name) + "' (known: " + compressorNames() + ")");
}

int compressorValue(const Compressor& c, unsigned combination)
{
    int values[4 + 2 * kCompressorMaxParts] = {};
    for (int i = 0; i < 4; ++i)
        values[i] = (combination >> i) & 1;
    int next = 4;
    for (int k = 0; k < c.partCount; ++k) {
        const CompressorPart& p = c.parts[k];
        const int a = values[p.a], b = values[p.b];
        if (std::string_view(p.cell) == "ha") {
            values[next++] = a ^ b;
            values[next++] = a & b;
        } else {
            values[next++] = compressorPartCell(p.cell).sum(static_cast<unsigned>(a | (b << 1)));
        }
    }
    return values[c.sum] + 2 * values[c.carry];
}

int compressorError(const Compressor& c, unsigned combination)
{
    return compressorValue(c, combination) - std::popcount(combination & 0xFu);
}

} // namespace axbnn
