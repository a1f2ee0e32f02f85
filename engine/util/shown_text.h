// User text echoed in a message: at most 40 characters, so that a 100 KB
// value does not become a 100 KB message (docs/cli.md, "Limits").
#pragma once

#include <string>
#include <string_view>

namespace axbnn {

inline std::string shownText(std::string_view text, size_t most = 40)
{
    return text.size() > most ? std::string(text.substr(0, most)) + "..." : std::string(text);
}

} // namespace axbnn
