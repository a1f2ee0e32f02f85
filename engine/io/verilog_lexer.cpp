// Verilog tokenizer for the flat gate-level subset.
#include "io/verilog_lexer.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace axbnn::verilog {

namespace {

bool identStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool identChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

} // namespace

std::vector<Token> tokenize(std::string_view s, const std::string& origin)
{
    std::vector<Token> out;
    int line = 1;
    size_t i = 0;
    auto fail = [&](const std::string& what) {
        throw std::runtime_error(origin + ": line " + std::to_string(line) + ": " + what);
    };
    auto skipUntil = [&](std::string_view end) {
        const int startLine = line;
        while (i < s.size() && s.substr(i, end.size()) != end) {
            if (s[i] == '\n')
                ++line;
            ++i;
        }
        if (i >= s.size()) {
            line = startLine;
            fail("unterminated comment or attribute");
        }
        i += end.size();
    };
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\n') {
            ++line;
            ++i;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (s.substr(i, 2) == "//") {
            while (i < s.size() && s[i] != '\n')
                ++i;
        } else if (s.substr(i, 2) == "/*") {
            i += 2;
            skipUntil("*/");
        } else if (s.substr(i, 2) == "(*" && s.substr(i, 3) != "(*)") {
            i += 2;
            skipUntil("*)");
        } else if (c == '`') { // compiler directive: the rest of the line
            while (i < s.size() && s[i] != '\n')
                ++i;
        } else if (c == '\\') { // escaped identifier: up to white space
            size_t j = i + 1;
            while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])))
                ++j;
            if (j == i + 1)
                fail("empty escaped identifier");
            out.push_back({Token::Ident, std::string(s.substr(i + 1, j - i - 1)), line});
            i = j;
        } else if (identStart(c) || c == '$') {
            size_t j = i + 1;
            while (j < s.size() && identChar(s[j]))
                ++j;
            out.push_back({Token::Ident, std::string(s.substr(i, j - i)), line});
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '\'') {
            // 12, 1'b0, 4'hF, 'b1, 8'sd3 (digits, an optional base, the value)
            size_t j = i;
            while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '_'))
                ++j;
            if (j < s.size() && s[j] == '\'') {
                ++j;
                if (j < s.size() && (s[j] == 's' || s[j] == 'S'))
                    ++j;
                if (j >= s.size() || !std::strchr("bBoOdDhH", s[j]))
                    fail("malformed number: expected a base (b, o, d, h) after '");
                ++j;
                while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '?'))
                    ++j;
            }
            out.push_back({Token::Number, std::string(s.substr(i, j - i)), line});
            i = j;
        } else {
            static const char* const two[] = {"~&", "~|", "~^", "^~"};
            bool matched = false;
            for (const char* t : two) {
                if (s.substr(i, 2) == t) {
                    out.push_back({Token::Symbol, t, line});
                    i += 2;
                    matched = true;
                    break;
                }
            }
            if (matched)
                continue;
            if (!std::strchr("()[]{},;:~&|^=.?#@+-*/<>!", c))
                fail(std::string("unexpected character '") + c + "'");
            out.push_back({Token::Symbol, std::string(1, c), line});
            ++i;
        }
    }
    out.push_back({Token::End, "end of file", line});
    return out;
}

} // namespace axbnn::verilog
