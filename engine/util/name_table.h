// Lookups in the tables of named choices (strategies, objectives, ...):
// arrays of structs with a `name` member, the one spelling of each choice.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

template <typename Info>
std::vector<std::string> tableNames(std::span<const Info> table)
{
    std::vector<std::string> names;
    for (const Info& i : table)
        names.emplace_back(i.name);
    return names;
}

// The entry named `name`; throws std::invalid_argument
// "unknown <what> 'x' (known: a, b, c)".
template <typename Info>
const Info& tableEntry(std::span<const Info> table, std::string_view name, const char* what)
{
    std::string known;
    for (const Info& i : table) {
        if (name == i.name)
            return i;
        known += (known.empty() ? "" : ", ") + std::string(i.name);
    }
    throw std::invalid_argument("unknown " + std::string(what) + " '" + std::string(name) + "' (known: " + known + ")");
}

} // namespace axbnn
