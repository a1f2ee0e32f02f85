// The place of a JSON parse error: the text is parsed again through a SAX
// handler, which receives the byte position that json::parse's exceptions
// (out_of_range in particular) do not carry.
#include "util/json_text.h"
#include "util/json_depth.h"
#include "util/shown_text.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {
namespace {

using nlohmann::json;

class Locator : public nlohmann::json_sax<json> {
public:
    size_t position = 0;
    std::string token;
    bool found = false;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t at, const std::string& lastToken, const nlohmann::detail::exception&) override
    {
        position = at;
        token = lastToken;
        found = true;
        return false;
    }
};

} // namespace

std::string jsonLibraryProblem(const json::exception& e)
{
    std::string what = e.what();
    if (const size_t close = what.find("] "); close != std::string::npos)
        what.erase(0, close + 2);
    if (const size_t column = what.find(", column "); column != std::string::npos)
        if (const size_t colon = what.find(": ", column); colon != std::string::npos)
            what.erase(0, colon + 2);
    return shownText(what, 120);
}

std::string jsonErrorText(std::string_view text, const json::exception& error)
{
    Locator where;
    json::sax_parse(text, &where);
    std::string problem;
    if (error.id == 406)
        problem = "the number " + shownText(where.token) + " is out of range (beyond +-1.8e308)";
    else
        problem = "not valid JSON (" + jsonLibraryProblem(error) + ")";
    if (!where.found)
        return problem;
    // The position counts the characters read, the offending one included;
    // an out-of-range number is pointed at by its first character.
    size_t at = std::min(where.position, text.size());
    if (error.id == 406 && at >= where.token.size())
        at -= where.token.size();
    else if (at > 0)
        --at;
    const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    const size_t lineStart = text.rfind('\n', at == 0 ? 0 : at - 1);
    const size_t column = at - (lineStart == std::string_view::npos || at == 0 ? 0 : lineStart + 1) + 1;
    return "line " + std::to_string(line) + " column " + std::to_string(column) + ": " + problem;
}

json parseJsonText(std::string_view text, const std::string& origin)
{
    checkJsonDepth(text, origin);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw std::runtime_error(origin + ": " + jsonErrorText(text, e));
    }
}

} // namespace axbnn
