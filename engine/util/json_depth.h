// A JSON text's nesting depth, checked before it is parsed: the JSON library
// parses iteratively, but copying, printing and destroying a value recurse on
// its depth, so a file of 100,000 nested brackets would overflow the stack.
// Every JSON loader calls this first (docs/cli.md, "Limits").
#pragma once

#include <string>
#include <string_view>

namespace axbnn {

// Deeper than any format of the workbench needs (a Yosys netlist is about 7).
inline constexpr int kMaxJsonDepth = 64;

// Throws std::runtime_error "origin: JSON nested deeper than 64 levels (at
// byte B)". Brackets inside strings do not count; the text need not be valid.
void checkJsonDepth(std::string_view text, const std::string& origin, int maxDepth = kMaxJsonDepth);

} // namespace axbnn
