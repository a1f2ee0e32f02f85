// The session loader (the workbench's Open session, docs/session-format.md):
// sessionFromText, the engine's part of widgets/state/session.cpp loadSession. A loaded session writes and
// reads back as the same design.
#include "explore/design.h"
#include "fuzz_support.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string origin = "session.json";
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::refusalOk(
        [&] {
            const Design design = sessionFromText(text, origin);
            fuzz::mustNotThrow(
                [&] {
                    const nlohmann::json written = sessionJson(design);
                    const Design back = sessionFromJson(nlohmann::json::parse(written.dump(2)), "written.json");
                    fuzz::check(back == design, "a session reads back as another design: " + written.dump());
                    fuzz::check(sessionJson(back) == written, "a session writes differently the second time");
                },
                "writing a loaded session and reading it back");
        },
        origin);
    return 0;
}
