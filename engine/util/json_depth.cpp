// One pass over the text, strings skipped.
#include "util/json_depth.h"

#include <stdexcept>

namespace axbnn {

void checkJsonDepth(std::string_view text, const std::string& origin, int maxDepth)
{
    int depth = 0;
    bool inString = false, escaped = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                throw std::runtime_error(origin + ": JSON nested deeper than " + std::to_string(maxDepth)
                                         + " levels (at byte " + std::to_string(i) + ")");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

} // namespace axbnn
